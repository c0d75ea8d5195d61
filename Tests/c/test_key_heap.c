/* The key does not outlive dc1_client_free: after 200 requests and a free, the process's heap
 * and anonymous read-write mappings hold no copy of it (issue 12, item 2: libcurl's own
 * serialised request buffers used to keep 3-4 copies of "x-renter-key: dcp-renter-…").
 *
 * The scan reads /proc/self/mem through pread, region by region, from /proc/self/maps: [heap]
 * and every anonymous rw mapping (malloc arenas of other threads, thread stacks); not the main
 * stack (the environment, where DC1_API_KEY itself lives) nor file mappings.
 *
 * `test_key_heap --curl-first` calls curl_global_init before libdc1 does (as a host program
 * that uses libcurl itself would), so libcurl keeps the plain allocator: it prints the figure
 * without the zeroing allocators (the "before" row of RELIABILITY.md) and checks nothing. */
#define _GNU_SOURCE
#include "dc1test.h"
#include <dlfcn.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

static size_t env_copies;

static size_t scan_region(int fd, unsigned long start, unsigned long end, const char *key, size_t klen,
                          unsigned char *buf, size_t bufcap) {
    size_t found = 0;
    unsigned long len = end - start;
    if (len > bufcap) len = bufcap;
    ssize_t n = pread(fd, buf, len, (off_t)start);
    if (n <= 0) return 0;
    unsigned char *p = buf, *stop = buf + n;
    while (p < stop) {
        unsigned char *hit = memmem(p, (size_t)(stop - p), key, klen);
        if (!hit) break;
        /* A copy of the environment block ("…DC1_API_KEY=<key>"), made by a runtime that read
         * /proc/self/environ, is the host's copy, not libdc1's: counted apart. */
        static const char envname[] = "DC1_API_KEY=";
        size_t en = sizeof envname - 1;
        size_t at = (size_t)(hit - buf);
        if (at >= en && memcmp(hit - en, envname, en) == 0) { env_copies++; p = hit + 1; continue; }
        found++;
        /* Where the copy is and what surrounds it (the printed text itself lands in stdio's
         * heap buffer, so a verbose run finds more copies in its second scan). */
        if (getenv("DC1_HEAP_SCAN_VERBOSE")) {
            size_t off = (size_t)(hit - buf);
            size_t from = off > 48 ? off - 48 : 0;
            printf("# copy at %#lx (region %#lx-%#lx):", start + off, start, end);
            for (size_t i = from; i < off + klen + 16 && buf + i < stop; i++) {
                unsigned char ch = buf[i];
                printf(ch >= 0x20 && ch < 0x7f ? "%c" : "\\x%02x", ch);
            }
            printf("\n");
        }
        p = hit + 1;
    }
    return found;
}

/* Copies of `key` in [heap] and anonymous rw mappings, skipping the scan buffer itself. */
static size_t copies_in_heap(const char *key, size_t *regions) {
    size_t bufcap = 512u << 20;
    unsigned char *buf = mmap(NULL, bufcap, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (buf == MAP_FAILED) return (size_t)-1;
    /* The maps text is read into the mmap'd buffer's tail, never into the heap we scan. */
    char *maps = (char *)buf + bufcap - (4u << 20);
    int mfd = open("/proc/self/maps", O_RDONLY);
    size_t mlen = 0;
    ssize_t r;
    while (mfd >= 0 && (r = read(mfd, maps + mlen, (4u << 20) - 1 - mlen)) > 0) mlen += (size_t)r;
    if (mfd >= 0) close(mfd);
    maps[mlen] = 0;
    /* Copy the region list first: scanning writes into buf. */
    static unsigned long starts[8192], ends[8192];
    size_t nreg = 0;
    for (char *line = maps; line && *line && nreg < 8192;) {
        char *next = strchr(line, '\n');
        if (next) *next++ = 0;
        unsigned long s, e;
        char perms[8] = {0};
        int off = 0;
        if (sscanf(line, "%lx-%lx %7s %*s %*s %*s %n", &s, &e, perms, &off) >= 3) {
            const char *name = off > 0 ? line + off : "";
            int anon = name[0] == 0 || strcmp(name, "[heap]") == 0;
            /* Not the scan buffer, nor the mapping that holds the environment (the host's own
             * DC1_API_KEY=…: [stack] natively, an anonymous mapping under valgrind). */
            int mine = (s <= (unsigned long)buf && (unsigned long)buf < e)
                    || (s <= (unsigned long)key && (unsigned long)key < e);
            if (perms[0] == 'r' && perms[1] == 'w' && anon && !mine) { starts[nreg] = s; ends[nreg] = e; nreg++; }
        }
        line = next;
    }
    int fd = open("/proc/self/mem", O_RDONLY);
    size_t total = 0;
    size_t klen = strlen(key);
    for (size_t i = 0; fd >= 0 && i < nreg; i++) total += scan_region(fd, starts[i], ends[i], key, klen, buf, bufcap - (4u << 20));
    if (fd >= 0) close(fd);
    munmap(buf, bufcap);
    if (regions) *regions = nreg;
    return fd >= 0 ? total : (size_t)-1;
}

static void requests(dc1_client *c, int n) {
    for (int i = 0; i < n; i++) {
        char *out = NULL;
        switch (i % 4) {
        case 0: dc1_balance(c, &out); break;
        case 1: dc1_providers_list(c, NULL, &out); break;
        case 2: dc1_jobs_history(c, "{\"limit\":5}", &out); break;
        default: dc1_job_get(c, "job-that-does-not-exist", &out); break;   /* the 404 path too */
        }
        dc1_free(out);
    }
}

int main(int argc, char **argv) {
    int curl_first = argc > 1 && strcmp(argv[1], "--curl-first") == 0;
    const char *key = getenv("DC1_API_KEY");
    if (!key || !*key) { printf("not ok - DC1_API_KEY is not set\n"); return 1; }
    if (curl_first) {
        /* libcurl is already loaded (libdc1 needs it); call it as the host program would. */
        int (*init)(long) = (int (*)(long))dlsym(RTLD_DEFAULT, "curl_global_init");
        if (!init || init(3 /* CURL_GLOBAL_DEFAULT */) != 0) { printf("not ok - curl_global_init\n"); return 1; }
    }

    dc1_client *c = test_client("{\"pool_size\":4}");
    requests(c, 200);
    size_t during = copies_in_heap(key, NULL);
    dc1_client_free(c);

    size_t regions = 0;
    size_t after = copies_in_heap(key, &regions);
    printf("# key copies in the heap: %zu while the client is alive, %zu after dc1_client_free "
           "(200 requests, %zu regions scanned%s; %zu copies of the environment block not counted)\n",
           during, after, regions, curl_first ? ", libcurl initialised by the host first" : "", env_copies);
    if (curl_first) {
        CHECK(1, "--curl-first: %zu copies after free without libdc1's allocators", after);
        TEST_DONE();
    }
    CHECK(after != (size_t)-1 && regions > 0, "the heap scan read /proc/self/mem (%zu regions)", regions);
    CHECK(after == 0, "key outlives dc1_client_free: %zu copies of the key in the heap after 200 requests and a free", after);
    TEST_DONE();
}
