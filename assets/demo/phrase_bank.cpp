#include "assets/demo/phrase_bank.hpp"

#include <array>
#include <string>

namespace callqc::demo {

namespace {

Line a(std::string text, std::string pinyin) {
    return {Speaker::Agent, std::move(text), std::move(pinyin)};
}

Line c(std::string text, std::string pinyin) {
    return {Speaker::Customer, std::move(text), std::move(pinyin)};
}

QueueScript makeCreditCard() {
    QueueScript s;
    s.queue = "信用卡服务";
    s.outbound = false;
    s.openings = {
        {c("你好，我想查一下我这个月的信用卡账单。",
           "ni3 hao3, wo3 xiang3 cha2 yi2 xia4 wo3 zhe4 ge4 yue4 de5 xin4 yong4 ka3 zhang4 dan1."),
         a("您本期账单金额是三千二百五十六元，最后还款日是十二月十号。",
           "nin2 ben3 qi1 zhang4 dan1 jin1 e2 shi4 san1 qian1 er4 bai3 wu3 shi2 liu4 yuan2, zui4 "
           "hou4 huan2 kuan3 ri4 shi4 shi2 er4 yue4 shi2 hao4.")},
        {c("我的信用卡好像被盗刷了，有两笔消费不是我本人的。",
           "wo3 de5 xin4 yong4 ka3 hao3 xiang4 bei4 dao4 shua1 le5, you3 liang3 bi3 xiao1 fei4 bu2 "
           "shi4 wo3 ben3 ren2 de5."),
         a("我已经帮您把卡片临时冻结了，这两笔交易会提交争议处理，结果会在十五个工作日内短信通知"
           "您。",
           "wo3 yi3 jing1 bang1 nin2 ba3 ka3 pian4 lin2 shi2 dong4 jie2 le5, zhe4 liang3 bi3 jiao1 "
           "yi4 hui4 ti2 jiao1 zheng1 yi4 chu3 li3, jie2 guo3 hui4 zai4 shi2 wu3 ge4 gong1 zuo4 "
           "ri4 "
           "nei4 duan3 xin4 tong1 zhi1 nin2.")},
        {c("我想申请提高一下信用卡的额度。",
           "wo3 xiang3 shen1 qing3 ti2 gao1 yi2 xia4 xin4 yong4 ka3 de5 e2 du4."),
         a("您的提额申请已经提交了，审核通过以后会有短信提醒。",
           "nin2 de5 ti2 e2 shen1 qing3 yi3 jing1 ti2 jiao1 le5, shen3 he2 tong1 guo4 yi3 hou4 "
           "hui4 "
           "you3 duan3 xin4 ti2 xing3.")},
        {c("我的卡丢了，想挂失再补办一张。",
           "wo3 de5 ka3 diu1 le5, xiang3 gua4 shi1 zai4 bu3 ban4 yi4 zhang1."),
         a("已经帮您办理了挂失，新卡会在七个工作日内寄到您的账单地址。",
           "yi3 jing1 bang1 nin2 ban4 li3 le5 gua4 shi1, xin1 ka3 hui4 zai4 qi1 ge4 gong1 zuo4 ri4 "
           "nei4 ji4 dao4 nin2 de5 zhang4 dan1 di4 zhi3.")},
        {c("我上个月办了分期，想问一下还剩多少期没还。",
           "wo3 shang4 ge4 yue4 ban4 le5 fen1 qi1, xiang3 wen4 yi2 xia4 hai2 sheng4 duo1 shao3 qi1 "
           "mei2 huan2."),
         a("您的分期还剩八期，每期应还四百一十二元。",
           "nin2 de5 fen1 qi1 hai2 sheng4 ba1 qi1, mei3 qi1 ying1 huan2 si4 bai3 yi1 shi2 er4 "
           "yuan2.")},
    };
    s.verification = {
        a("好的，请您提供一下持卡人的姓名和身份证后四位。",
          "hao3 de5, qing3 nin2 ti2 gong1 yi2 xia4 chi2 ka3 ren2 de5 xing4 ming2 he2 shen1 fen4 "
          "zheng4 hou4 si4 wei4."),
        c("身份证后四位是三五一七。", "shen1 fen4 zheng4 hou4 si4 wei4 shi4 san1 wu3 yao1 qi1."),
        a("感谢您的配合，信息已经核实了。",
          "gan3 xie4 nin2 de5 pei4 he2, xin4 xi1 yi3 jing1 he2 shi2 le5."),
    };
    s.topics = {
        {c("那我这个月最晚什么时候还款？",
           "na4 wo3 zhe4 ge4 yue4 zui4 wan3 shen2 me5 shi2 hou5 huan2 kuan3?"),
         a("最晚还款日是十二月十号，建议您提前一两天还款，以免影响信用记录。",
           "zui4 wan3 huan2 kuan3 ri4 shi4 shi2 er4 yue4 shi2 hao4, jian4 yi4 nin2 ti2 qian2 yi4 "
           "liang3 tian1 huan2 kuan3, yi3 mian3 ying3 xiang3 xin4 yong4 ji4 lu4.")},
        {c("需要我本人去网点办理吗？", "xu1 yao4 wo3 ben3 ren2 qu4 wang3 dian3 ban4 li3 ma5?"),
         a("不需要的，您在手机银行上就可以直接办理。",
           "bu4 xu1 yao4 de5, nin2 zai4 shou3 ji1 yin2 hang2 shang4 jiu4 ke3 yi3 zhi2 jie1 ban4 "
           "li3.")},
        {c("新卡的卡号会变吗？", "xin1 ka3 de5 ka3 hao4 hui4 bian4 ma5?"),
         a("卡号会变的，如果您设置了自动还款，需要重新绑定一下。",
           "ka3 hao4 hui4 bian4 de5, ru2 guo3 nin2 she4 zhi4 le5 zi4 dong4 huan2 kuan3, xu1 yao4 "
           "chong2 xin1 bang3 ding4 yi2 xia4.")},
        {c("分期可以提前还清吗？", "fen1 qi1 ke3 yi3 ti2 qian2 huan2 qing1 ma5?"),
         a("可以的，提前还清只需要支付剩余的本金，手续费按规定收取。",
           "ke3 yi3 de5, ti2 qian2 huan2 qing1 zhi3 xu1 yao4 zhi1 fu4 sheng4 yu2 de5 ben3 jin1, "
           "shou3 xu4 fei4 an4 gui1 ding4 shou1 qu3.")},
        {c("我的积分能换什么礼品？", "wo3 de5 ji1 fen1 neng2 huan4 shen2 me5 li3 pin3?"),
         a("您目前有一万两千积分，可以在手机银行的积分商城兑换礼品或者抵扣年费。",
           "nin2 mu4 qian2 you3 yi2 wan4 liang3 qian1 ji1 fen1, ke3 yi3 zai4 shou3 ji1 yin2 hang2 "
           "de5 ji1 fen1 shang1 cheng2 dui4 huan4 li3 pin3 huo4 zhe3 di3 kou4 nian2 fei4.")},
        {c("年费是怎么收的？", "nian2 fei4 shi4 zen3 me5 shou1 de5?"),
         a("您这张卡每年刷满六次，就可以免除下一年的年费。",
           "nin2 zhe4 zhang1 ka3 mei3 nian2 shua1 man3 liu4 ci4, jiu4 ke3 yi3 mian3 chu2 xia4 yi4 "
           "nian2 de5 nian2 fei4.")},
        // Near-misses: 您好像 and 申请 from the agent, 我不清楚 from the customer.
        {a("您好像是上个月申请的这张卡，对吗？",
           "nin2 hao3 xiang4 shi4 shang4 ge4 yue4 shen1 qing3 de5 zhe4 zhang1 ka3, dui4 ma5?"),
         c("这个我不清楚，是我爱人帮我申请的。",
           "zhe4 ge4 wo3 bu4 qing1 chu5, shi4 wo3 ai4 ren2 bang1 wo3 shen1 qing3 de5."),
         a("好的，没关系，我这边可以查到。",
           "hao3 de5, mei2 guan1 xi5, wo3 zhe4 bian1 ke3 yi3 cha2 dao4.")},
        // Near-miss: 我清楚了 from the agent.
        {c("我是上周五在商场刷的卡，当时显示交易失败，可是钱被扣了。",
           "wo3 shi4 shang4 zhou1 wu3 zai4 shang1 chang3 shua1 de5 ka3, dang1 shi2 xian3 shi4 "
           "jiao1 "
           "yi4 shi1 bai4, ke3 shi4 qian2 bei4 kou4 le5."),
         a("好的，我清楚了，这笔款项会在三个工作日内退回到您的卡上。",
           "hao3 de5, wo3 qing1 chu5 le5, zhe4 bi3 kuan3 xiang4 hui4 zai4 san1 ge4 gong1 zuo4 ri4 "
           "nei4 tui4 hui2 dao4 nin2 de5 ka3 shang4.")},
    };
    return s;
}

QueueScript makeBroadband() {
    QueueScript s;
    s.queue = "宽带报修";
    s.outbound = false;
    s.openings = {
        {c("你好，我家的宽带从昨天晚上开始就上不了网了。",
           "ni3 hao3, wo3 jia1 de5 kuan1 dai4 cong2 zuo2 tian1 wan3 shang5 kai1 shi3 jiu4 shang4 "
           "bu5 liao3 wang3 le5."),
         a("系统显示您所在的小区线路正在抢修，预计今天下午六点前恢复。",
           "xi4 tong3 xian3 shi4 nin2 suo3 zai4 de5 xiao3 qu1 xian4 lu4 zheng4 zai4 qiang3 xiu1, "
           "yu4 ji4 jin1 tian1 xia4 wu3 liu4 dian3 qian2 hui1 fu4.")},
        {c("我家网速特别慢，看视频一直卡。",
           "wo3 jia1 wang3 su4 te4 bie2 man4, kan4 shi4 pin2 yi4 zhi2 ka3."),
         a("麻烦您先把光猫和路由器断电，等三十秒再重新插上试一下。",
           "ma2 fan5 nin2 xian1 ba3 guang1 mao1 he2 lu4 you2 qi4 duan4 dian4, deng3 san1 shi2 "
           "miao3 "
           "zai4 chong2 xin1 cha1 shang4 shi4 yi2 xia4.")},
        {c("光猫上有个红灯一直在闪，是怎么回事？",
           "guang1 mao1 shang4 you3 ge4 hong2 deng1 yi4 zhi2 zai4 shan3, shi4 zen3 me5 hui2 shi4?"),
         a("红灯闪烁说明光信号中断了，我帮您预约维修师傅上门检查。",
           "hong2 deng1 shan3 shuo4 shuo1 ming2 guang1 xin4 hao4 zhong1 duan4 le5, wo3 bang1 nin2 "
           "yu4 yue1 wei2 xiu1 shi1 fu5 shang4 men2 jian3 cha2.")},
        {c("我想把宽带移到新家去，要怎么办理？",
           "wo3 xiang3 ba3 kuan1 dai4 yi2 dao4 xin1 jia1 qu4, yao4 zen3 me5 ban4 li3?"),
         a("移机可以直接在电话里办理，请您告诉我新家的详细地址。",
           "yi2 ji1 ke3 yi3 zhi2 jie1 zai4 dian4 hua4 li3 ban4 li3, qing3 nin2 gao4 su5 wo3 xin1 "
           "jia1 de5 xiang2 xi4 di4 zhi3.")},
    };
    s.verification = {
        a("好的，请您提供一下宽带账号或者装机电话。",
          "hao3 de5, qing3 nin2 ti2 gong1 yi2 xia4 kuan1 dai4 zhang4 hao4 huo4 zhe3 zhuang1 ji1 "
          "dian4 hua4."),
        c("账号就是装机电话，尾号六七八九。",
          "zhang4 hao4 jiu4 shi4 zhuang1 ji1 dian4 hua4, wei3 hao4 liu4 qi1 ba1 jiu3."),
        a("好的，已经查到您的宽带信息了。",
          "hao3 de5, yi3 jing1 cha2 dao4 nin2 de5 kuan1 dai4 xin4 xi1 le5."),
    };
    s.topics = {
        {c("好的，我试过了，还是不行。", "hao3 de5, wo3 shi4 guo4 le5, hai2 shi4 bu4 xing2."),
         a("那我帮您预约维修师傅，明天上午九点到十二点上门。",
           "na4 wo3 bang1 nin2 yu4 yue1 wei2 xiu1 shi1 fu5, ming2 tian1 shang4 wu3 jiu3 dian3 dao4 "
           "shi2 er4 dian3 shang4 men2.")},
        {c("师傅上门要收费吗？", "shi1 fu5 shang4 men2 yao4 shou1 fei4 ma5?"),
         a("故障维修是免费的，如果需要更换设备，师傅会提前跟您说明。",
           "gu4 zhang4 wei2 xiu1 shi4 mian3 fei4 de5, ru2 guo3 xu1 yao4 geng4 huan4 she4 bei4, "
           "shi1 "
           "fu5 hui4 ti2 qian2 gen1 nin2 shuo1 ming2.")},
        {c("维修期间的网费能减免吗？", "wei2 xiu1 qi1 jian1 de5 wang3 fei4 neng2 jian3 mian3 ma5?"),
         a("可以的，断网超过二十四小时，会按天给您减免月租。",
           "ke3 yi3 de5, duan4 wang3 chao1 guo4 er4 shi2 si4 xiao3 shi2, hui4 an4 tian1 gei3 nin2 "
           "jian3 mian3 yue4 zu1.")},
        {c("移机大概需要几天？", "yi2 ji1 da4 gai4 xu1 yao4 ji3 tian1?"),
         a("移机一般需要三到五个工作日，新地址还需要先确认有没有网络覆盖。",
           "yi2 ji1 yi4 ban1 xu1 yao4 san1 dao4 wu3 ge4 gong1 zuo4 ri4, xin1 di4 zhi3 hai2 xu1 "
           "yao4 "
           "xian1 que4 ren4 you3 mei2 you3 wang3 luo4 fu4 gai4.")},
        {c("师傅来之前会先打电话吗？", "shi1 fu5 lai2 zhi1 qian2 hui4 xian1 da3 dian4 hua4 ma5?"),
         a("会的，师傅出发前半小时会先跟您电话联系。",
           "hui4 de5, shi1 fu5 chu1 fa1 qian2 ban4 xiao3 shi2 hui4 xian1 gen1 nin2 dian4 hua4 "
           "lian2 "
           "xi4.")},
        {c("我家里的无线信号很弱，卧室基本连不上。",
           "wo3 jia1 li3 de5 wu2 xian4 xin4 hao4 hen3 ruo4, wo4 shi4 ji1 ben3 lian2 bu5 shang4."),
         a("建议您把路由器放在房子中间的位置，或者加装一个无线中继器。",
           "jian4 yi4 nin2 ba3 lu4 you2 qi4 fang4 zai4 fang2 zi5 zhong1 jian1 de5 wei4 zhi4, huo4 "
           "zhe3 jia1 zhuang1 yi2 ge4 wu2 xian4 zhong1 ji4 qi4.")},
        // Near-misses: 您好像 and 申请, and the customer's 我不清楚.
        {a("您好像用的是两百兆的套餐，对吗？",
           "nin2 hao3 xiang4 yong4 de5 shi4 liang3 bai3 zhao4 de5 tao4 can1, dui4 ma5?"),
         c("这个我不清楚，宽带是家里人申请的。",
           "zhe4 ge4 wo3 bu4 qing1 chu5, kuan1 dai4 shi4 jia1 li3 ren2 shen1 qing3 de5."),
         a("没关系，我这边系统里可以看到。",
           "mei2 guan1 xi5, wo3 zhe4 bian1 xi4 tong3 li3 ke3 yi3 kan4 dao4.")},
        // Near-miss: the agent's 我清楚了.
        {c("路由器放在客厅，离卧室比较远，晚上网速特别慢。",
           "lu4 you2 qi4 fang4 zai4 ke4 ting1, li2 wo4 shi4 bi3 jiao4 yuan3, wan3 shang5 wang3 su4 "
           "te4 bie2 man4."),
         a("好的，我清楚了，我帮您登记一下，安排师傅上门测试信号。",
           "hao3 de5, wo3 qing1 chu5 le5, wo3 bang1 nin2 deng1 ji4 yi2 xia4, an1 pai2 shi1 fu5 "
           "shang4 men2 ce4 shi4 xin4 hao4.")},
    };
    return s;
}

QueueScript makeTelesales() {
    QueueScript s;
    s.queue = "电销外呼";
    s.outbound = true;
    s.openings = {
        {c("是我，有什么事吗？", "shi4 wo3, you3 shen2 me5 shi4 ma5?"),
         a("是这样的，您的号码符合我们这次的流量升级活动，每月只需要多加二十元，流量就能翻一倍。",
           "shi4 zhe4 yang4 de5, nin2 de5 hao4 ma3 fu2 he2 wo3 men5 zhe4 ci4 de5 liu2 liang4 "
           "sheng1 "
           "ji2 huo2 dong4, mei3 yue4 zhi3 xu1 yao4 duo1 jia1 er4 shi2 yuan2, liu2 liang4 jiu4 "
           "neng2 "
           "fan1 yi2 bei4.")},
        {c("对，是我，你说吧。", "dui4, shi4 wo3, ni3 shuo1 ba5."),
         a("感谢您一直以来的支持，现在老用户可以免费升级到千兆宽带，只需要续约一年。",
           "gan3 xie4 nin2 yi4 zhi2 yi3 lai2 de5 zhi1 chi2, xian4 zai4 lao3 yong4 hu4 ke3 yi3 "
           "mian3 "
           "fei4 sheng1 ji2 dao4 qian1 zhao4 kuan1 dai4, zhi3 xu1 yao4 xu4 yue1 yi4 nian2.")},
        {c("是的，请问你是哪位？", "shi4 de5, qing3 wen4 ni3 shi4 na3 wei4?"),
         a("我是通信公司的客户经理，这次给您来电，是想给您介绍一个更划算的套餐。",
           "wo3 shi4 tong1 xin4 gong1 si1 de5 ke4 hu4 jing1 li3, zhe4 ci4 gei3 nin2 lai2 dian4, "
           "shi4 "
           "xiang3 gei3 nin2 jie4 shao4 yi2 ge4 geng4 hua2 suan4 de5 tao4 can1.")},
    };
    s.topics = {
        {c("我现在的流量够用，不太需要。",
           "wo3 xian4 zai4 de5 liu2 liang4 gou4 yong4, bu2 tai4 xu1 yao4."),
         a("理解的，这个活动还送您一年的视频会员，相当于每月只多花十来块钱。",
           "li3 jie3 de5, zhe4 ge4 huo2 dong4 hai2 song4 nin2 yi4 nian2 de5 shi4 pin2 hui4 yuan2, "
           "xiang1 dang1 yu2 mei3 yue4 zhi3 duo1 hua1 shi2 lai2 kuai4 qian2.")},
        {c("升级以后合约期是多久？", "sheng1 ji2 yi3 hou4 he2 yue1 qi1 shi4 duo1 jiu3?"),
         a("合约期是十二个月，到期以后可以自由变更套餐。",
           "he2 yue1 qi1 shi4 shi2 er4 ge4 yue4, dao4 qi1 yi3 hou4 ke3 yi3 zi4 you2 bian4 geng1 "
           "tao4 can1.")},
        {c("办了以后下个月就生效吗？", "ban4 le5 yi3 hou4 xia4 ge4 yue4 jiu4 sheng1 xiao4 ma5?"),
         a("是的，今天办理，下个月一号就自动生效。",
           "shi4 de5, jin1 tian1 ban4 li3, xia4 ge4 yue4 yi1 hao4 jiu4 zi4 dong4 sheng1 xiao4.")},
        {c("有没有什么隐藏的收费？", "you3 mei2 you3 shen2 me5 yin3 cang2 de5 shou1 fei4?"),
         a("没有的，除了每月二十元，不会再收取其他任何费用。",
           "mei2 you3 de5, chu2 le5 mei3 yue4 er4 shi2 yuan2, bu2 hui4 zai4 shou1 qu3 qi2 ta1 ren4 "
           "he2 fei4 yong4.")},
        {c("那好吧，你帮我办一下。", "na4 hao3 ba5, ni3 bang1 wo3 ban4 yi2 xia4."),
         a("好的，稍后会有一条确认短信，请您回复一确认办理。",
           "hao3 de5, shao1 hou4 hui4 you3 yi4 tiao2 que4 ren4 duan3 xin4, qing3 nin2 hui2 fu4 yi1 "
           "que4 ren4 ban4 li3.")},
        {c("我再考虑一下吧，现在不太方便。",
           "wo3 zai4 kao3 lv4 yi2 xia4 ba5, xian4 zai4 bu2 tai4 fang1 bian4."),
         a("没问题，活动到本月底截止，您有需要可以随时拨打客服热线办理。",
           "mei2 wen4 ti2, huo2 dong4 dao4 ben3 yue4 di3 jie2 zhi3, nin2 you3 xu1 yao4 ke3 yi3 "
           "sui2 "
           "shi2 bo1 da3 ke4 fu2 re4 xian4 ban4 li3.")},
        // Near-misses: 您好像 and 申请, and the customer's 我不清楚.
        {a("您好像之前申请过宽带融合套餐，对吗？", "nin2 hao3 xiang4 zhi1 qian2 shen1 qing3 guo4 "
                                                   "kuan1 dai4 rong2 he2 tao4 can1, dui4 ma5?"),
         c("我不清楚，家里的业务都是家人在管。",
           "wo3 bu4 qing1 chu5, jia1 li3 de5 ye4 wu4 dou1 shi4 jia1 ren2 zai4 guan3."),
         a("好的，那我把资料发到您手机上，您和家人商量一下。",
           "hao3 de5, na4 wo3 ba3 zi1 liao4 fa1 dao4 nin2 shou3 ji1 shang4, nin2 he2 jia1 ren2 "
           "shang1 liang5 yi2 xia4.")},
        // Near-miss: the agent's 我清楚了.
        {c("我平时主要用手机看新闻，流量用得不多。",
           "wo3 ping2 shi2 zhu3 yao4 yong4 shou3 ji1 kan4 xin1 wen2, liu2 liang4 yong4 de5 bu4 "
           "duo1."),
         a("好的，我清楚了，那给您推荐一个更划算的小流量方案。",
           "hao3 de5, wo3 qing1 chu5 le5, na4 gei3 nin2 tui1 jian4 yi2 ge4 geng4 hua2 suan4 de5 "
           "xiao3 liu2 liang4 fang1 an4.")},
    };
    return s;
}

std::vector<Exchange> makeGeneric(bool outbound) {
    std::vector<Exchange> all = {
        {c("你刚才说的我没听清楚，能再说一遍吗？",
           "ni3 gang1 cai2 shuo1 de5 wo3 mei2 ting1 qing1 chu5, neng2 zai4 shuo1 yi2 bian4 ma5?"),
         a("好的，我再跟您重复一遍。", "hao3 de5, wo3 zai4 gen1 nin2 chong2 fu4 yi2 bian4.")},
        {c("好的，那我还有一个问题。", "hao3 de5, na4 wo3 hai2 you3 yi2 ge4 wen4 ti2."),
         a("您请讲。", "nin2 qing3 jiang3.")},
        {c("可以把结果发到我的手机上吗？",
           "ke3 yi3 ba3 jie2 guo3 fa1 dao4 wo3 de5 shou3 ji1 shang4 ma5?"),
         a("可以的，稍后会有短信发送到您的手机上。",
           "ke3 yi3 de5, shao1 hou4 hui4 you3 duan3 xin4 fa1 song4 dao4 nin2 de5 shou3 ji1 "
           "shang4.")},
        {c("你们的营业厅几点开门？", "ni3 men5 de5 ying2 ye4 ting1 ji3 dian3 kai1 men2?"),
         a("营业厅是早上九点到晚上六点，热线是二十四小时服务的。",
           "ying2 ye4 ting1 shi4 zao3 shang5 jiu3 dian3 dao4 wan3 shang5 liu4 dian3, re4 xian4 "
           "shi4 "
           "er4 shi2 si4 xiao3 shi2 fu2 wu4 de5.")},
        {c("好的，这个我记下来了。", "hao3 de5, zhe4 ge4 wo3 ji4 xia4 lai2 le5."),
         a("好的，您还有什么不明白的地方，随时可以问我。",
           "hao3 de5, nin2 hai2 you3 shen2 me5 bu4 ming2 bai5 de5 di4 fang5, sui2 shi2 ke3 yi3 "
           "wen4 "
           "wo3.")},
    };
    if (!outbound) {
        const std::vector<Exchange> inbound = {
            {c("这个需要多长时间？", "zhe4 ge4 xu1 yao4 duo1 chang2 shi2 jian1?"),
             a("一般一到三个工作日就能处理好，请您耐心等待。",
               "yi4 ban1 yi1 dao4 san1 ge4 gong1 zuo4 ri4 jiu4 neng2 chu3 li3 hao3, qing3 nin2 "
               "nai4 "
               "xin1 deng3 dai4.")},
            {c("处理好了会通知我吗？", "chu3 li3 hao3 le5 hui4 tong1 zhi1 wo3 ma5?"),
             a("会的，处理完成以后，我们会发短信通知您。",
               "hui4 de5, chu3 li3 wan2 cheng2 yi3 hou4, wo3 men5 hui4 fa1 duan3 xin4 tong1 zhi1 "
               "nin2.")},
            {c("我之前打过一次电话，当时说会有人联系我。",
               "wo3 zhi1 qian2 da3 guo4 yi2 ci4 dian4 hua4, dang1 shi2 shuo1 hui4 you3 ren2 lian2 "
               "xi4 wo3."),
             a("非常抱歉给您带来不便，我帮您查一下之前的记录。",
               "fei1 chang2 bao4 qian4 gei3 nin2 dai4 lai2 bu2 bian4, wo3 bang1 nin2 cha2 yi2 xia4 "
               "zhi1 qian2 de5 ji4 lu4.")},
        };
        all.insert(all.end(), inbound.begin(), inbound.end());
    }
    return all;
}

} // namespace

const QueueScript& queueScript(QueueKind queue) {
    static const std::array<QueueScript, 3> scripts = {makeCreditCard(), makeBroadband(),
                                                       makeTelesales()};
    return scripts[static_cast<std::size_t>(queue)];
}

Line greeting(QueueKind queue, std::string_view employeeNo) {
    const std::string id(employeeNo);
    const std::string idPinyin = digitsPinyin(employeeNo);
    switch (queue) {
    case QueueKind::CreditCard:
        return a("您好，欢迎致电信用卡中心，工号" + id + "，很高兴为您服务。",
                 "nin2 hao3, huan1 ying2 zhi4 dian4 xin4 yong4 ka3 zhong1 xin1, gong1 hao4 " +
                     idPinyin + ", hen3 gao1 xing4 wei4 nin2 fu2 wu4.");
    case QueueKind::Broadband:
        return a("您好，欢迎致电宽带服务热线，工号" + id + "，很高兴为您服务。",
                 "nin2 hao3, huan1 ying2 zhi4 dian4 kuan1 dai4 fu2 wu4 re4 xian4, gong1 hao4 " +
                     idPinyin + ", hen3 gao1 xing4 wei4 nin2 fu2 wu4.");
    case QueueKind::Telesales:
        return a("您好，我是通信公司的客户经理，工号" + id +
                     "，很高兴为您服务。请问您是机主本人吗？",
                 "nin2 hao3, wo3 shi4 tong1 xin4 gong1 si1 de5 ke4 hu4 jing1 li3, gong1 hao4 " +
                     idPinyin +
                     ", hen3 gao1 xing4 wei4 nin2 fu2 wu4. qing3 wen4 nin2 shi4 ji1 zhu3 ben3 "
                     "ren2 ma5?");
    }
    return {};
}

const std::vector<Exchange>& genericExchanges(bool outbound) {
    static const std::vector<Exchange> inbound = makeGeneric(false);
    static const std::vector<Exchange> outboundOnes = makeGeneric(true);
    return outbound ? outboundOnes : inbound;
}

const std::vector<Exchange>& forbiddenExchanges() {
    static const std::vector<Exchange> exchanges = {
        {c("上次说好给我回电话的，怎么一直没人联系我？",
           "shang4 ci4 shuo1 hao3 gei3 wo3 hui2 dian4 hua4 de5, zen3 me5 yi4 zhi2 mei2 ren2 lian2 "
           "xi4 wo3?"),
         a("这事不归我们管，我也不知道。",
           "zhe4 shi4 bu4 gui1 wo3 men5 guan3, wo3 ye3 bu4 zhi1 dao4.")},
        {c("那这个费用到底是怎么算出来的？",
           "na4 zhe4 ge4 fei4 yong4 dao4 di3 shi4 zen3 me5 suan4 chu1 lai2 de5?"),
         a("我不清楚。", "wo3 bu4 qing1 chu5.")},
        {c("能不能帮我加急处理一下？", "neng2 bu5 neng2 bang1 wo3 jia1 ji2 chu3 li3 yi2 xia4?"),
         a("不能办，我也没办法。", "bu4 neng2 ban4, wo3 ye3 mei2 ban4 fa3.")},
        {c("你们这个规定也太不合理了吧？",
           "ni3 men5 zhe4 ge4 gui1 ding4 ye3 tai4 bu4 he2 li3 le5 ba5?"),
         a("我们向来都这样的。", "wo3 men5 xiang4 lai2 dou1 zhe4 yang4 de5.")},
        {c("不好意思，你能再说一遍吗？", "bu4 hao3 yi4 si5, ni3 neng2 zai4 shuo1 yi2 bian4 ma5?"),
         a("不是已经跟你讲过了吗，还要问？",
           "bu2 shi4 yi3 jing1 gen1 ni3 jiang3 guo4 le5 ma5, hai2 yao4 wen4?")},
    };
    return exchanges;
}

const Exchange& forbiddenAftermath() {
    static const Exchange exchange = {
        c("你这是什么态度？", "ni3 zhe4 shi4 shen2 me5 tai4 du4?"),
        a("对不起，是我没说清楚，我马上帮您处理。",
          "dui4 bu5 qi3, shi4 wo3 mei2 shuo1 qing1 chu5, wo3 ma3 shang4 bang1 nin2 chu3 li3."),
    };
    return exchange;
}

const Line& holdLine() {
    static const Line line = a("请您稍等，我帮您查询一下。",
                               "qing3 nin2 shao1 deng3, wo3 bang1 nin2 cha2 xun2 yi2 xia4.");
    return line;
}

const Line& holdReturnLine() {
    static const Line line = a("感谢您的耐心等待。", "gan3 xie4 nin2 de5 nai4 xin1 deng3 dai4.");
    return line;
}

const Exchange& confirmation(bool femaleCustomer) {
    static const Exchange male = {
        a("先生，不知道我刚才是否将您的问题解释清楚了？",
          "xian1 sheng5, bu4 zhi1 dao4 wo3 gang1 cai2 shi4 fou3 jiang1 nin2 de5 wen4 ti2 jie3 shi4 "
          "qing1 chu5 le5?"),
        c("清楚了，谢谢。", "qing1 chu5 le5, xie4 xie5."),
    };
    static const Exchange female = {
        a("女士，不知道我刚才是否将您的问题解释清楚了？",
          "nv3 shi4, bu4 zhi1 dao4 wo3 gang1 cai2 shi4 fou3 jiang1 nin2 de5 wen4 ti2 jie3 shi4 "
          "qing1 chu5 le5?"),
        c("清楚了，谢谢。", "qing1 chu5 le5, xie4 xie5."),
    };
    return femaleCustomer ? female : male;
}

const Exchange& anythingElse(bool outbound) {
    static const Exchange inbound = {
        a("请问还有其他可以帮您的吗？", "qing3 wen4 hai2 you3 qi2 ta1 ke3 yi3 bang1 nin2 de5 ma5?"),
        c("没有了，谢谢。", "mei2 you3 le5, xie4 xie5."),
    };
    static const Exchange outboundOne = {
        a("请问您还有其他疑问吗？", "qing3 wen4 nin2 hai2 you3 qi2 ta1 yi2 wen4 ma5?"),
        c("没有了。", "mei2 you3 le5."),
    };
    return outbound ? outboundOne : inbound;
}

const Exchange& closing(bool outbound) {
    static const Exchange inbound = {
        a("谢谢您的来电，再见。", "xie4 xie5 nin2 de5 lai2 dian4, zai4 jian4."),
        c("再见。", "zai4 jian4."),
    };
    static const Exchange outboundOne = {
        a("谢谢您的接听，祝您生活愉快，再见。",
          "xie4 xie5 nin2 de5 jie1 ting1, zhu4 nin2 sheng1 huo2 yu2 kuai4, zai4 jian4."),
        c("好的，再见。", "hao3 de5, zai4 jian4."),
    };
    return outbound ? outboundOne : inbound;
}

std::vector<Line> callLines(QueueKind queue) {
    const QueueScript& script = queueScript(queue);
    std::vector<Line> lines;
    const auto add = [&lines](const Exchange& exchange) {
        lines.insert(lines.end(), exchange.begin(), exchange.end());
    };
    for (const Exchange& e : script.openings) {
        add(e);
    }
    add(script.verification);
    for (const Exchange& e : script.topics) {
        add(e);
    }
    for (const Exchange& e : genericExchanges(script.outbound)) {
        add(e);
    }
    for (const Exchange& e : forbiddenExchanges()) {
        add(e);
    }
    add(forbiddenAftermath());
    add({holdLine(), holdReturnLine()});
    add(confirmation(false));
    add(confirmation(true));
    add(anythingElse(script.outbound));
    add(closing(script.outbound));
    return lines;
}

std::string digitsPinyin(std::string_view digits) {
    static constexpr std::array<std::string_view, 10> kDigits = {
        "ling2", "yao1", "er4", "san1", "si4", "wu3", "liu4", "qi1", "ba1", "jiu3"};
    std::string out;
    for (const char ch : digits) {
        if (ch < '0' || ch > '9') {
            continue;
        }
        if (!out.empty()) {
            out += ' ';
        }
        out += kDigits[static_cast<std::size_t>(ch - '0')];
    }
    return out;
}

} // namespace callqc::demo
