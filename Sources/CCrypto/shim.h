/* OpenSSL's libcrypto, for HMAC-SHA256 and constant-time comparison (webhook signatures).
 * libcurl already loads it, so it adds no runtime dependency. */
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
