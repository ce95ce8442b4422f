// A deliberate layering violation, read by the architecture test only; never compiled.
#include <sqlite3.h>
