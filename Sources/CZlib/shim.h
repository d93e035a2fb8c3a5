#ifndef RELEASE_CZLIB_SHIM_H
#define RELEASE_CZLIB_SHIM_H
#include <zlib.h>
#endif
