#ifndef RELEASE_CLIBGIT2_SHIM_H
#define RELEASE_CLIBGIT2_SHIM_H
#include <git2.h>
#endif
