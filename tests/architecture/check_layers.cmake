# Fails when a layer includes what DESIGN.md says it must not. Run with -DROOT=<source tree>.
#   scoring/   pure C++: no libav, SQLite, PortAudio, ImGui, GLFW, and no other layer
#   audio/     no SQLite, ImGui, GLFW, PortAudio; no storage/ or scoring/
#   storage/   no libav, ImGui, GLFW, PortAudio; no audio/
#   app/core   no ImGui, GLFW, PortAudio
#   anything but app/station and tests/station: no ImGui, GLFW, PortAudio
if(NOT ROOT)
    message(FATAL_ERROR "pass -DROOT=<source tree>")
endif()

set(ui "imgui|GLFW/|portaudio|backends/imgui_impl")
set(rules
    "scoring|libav|libsw|sqlite3|${ui}|\"audio/|\"storage/|\"app/"
    "audio|sqlite3|${ui}|\"storage/|\"scoring/|\"app/"
    "storage|libav|libsw|${ui}|\"audio/|\"app/"
    "app/core|${ui}"
    "app/cli|${ui}"
    "assets|sqlite3|${ui}|\"storage/|\"app/"
)

set(violations "")
foreach(rule IN LISTS rules)
    string(REPLACE "|" ";" parts "${rule}")
    list(POP_FRONT parts folder)
    file(GLOB_RECURSE sources "${ROOT}/${folder}/*.cpp" "${ROOT}/${folder}/*.hpp")
    foreach(source IN LISTS sources)
        file(STRINGS "${source}" includes REGEX "^[ \t]*#[ \t]*include")
        foreach(line IN LISTS includes)
            foreach(banned IN LISTS parts)
                string(FIND "${line}" "${banned}" at)
                if(at GREATER -1)
                    file(RELATIVE_PATH rel "${ROOT}" "${source}")
                    list(APPEND violations "${rel}: ${line} (banned in ${folder}/: ${banned})")
                endif()
            endforeach()
        endforeach()
    endforeach()
endforeach()

if(violations)
    list(JOIN violations "\n  " text)
    message(FATAL_ERROR "layering violations:\n  ${text}")
endif()
message(STATUS "layering ok")
