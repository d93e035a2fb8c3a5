// OpenSSL's libcrypto, which libcurl and libgit2 already bring: the hashes release needs,
// without building a second copy of a TLS library into the binary.
#include <openssl/evp.h>
#include <openssl/hmac.h>
