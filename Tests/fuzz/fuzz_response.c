/* libFuzzer harness over the response-parsing path: a loopback server thread answers each
 * request with the fuzz input (first byte: which status line; the rest: the body), and the
 * client parses it through dc1_job_get, dc1_job_output, dc1_balance, dc1_job_logs, dc1_job_wait
 * and the streams. Any outcome but a crash or a missing error document is fine. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include "dc1.h"

static dc1_client *client;
static int listener;
/* The harness's own copy of the input: a connection that arrives after an iteration ended
 * (a reconnect) must not read libFuzzer's freed buffer. */
static uint8_t *cur;
static size_t cur_len;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

static const char *statuses[] = {"200 OK", "202 Accepted", "204 No Content", "206 Partial Content", "400 Bad Request",
                                 "401 Unauthorized", "402 Payment Required", "404 Not Found", "410 Gone",
                                 "429 Too Many Requests", "500 Internal Server Error", "503 Service Unavailable"};
static const char *types[] = {"application/json", "text/event-stream", "text/html", "image/png"};

static void *serve(void *arg) {
    (void)arg;
    for (;;) {
        int fd = accept(listener, NULL, NULL);
        if (fd < 0) continue;
        char buf[8192];
        ssize_t n = recv(fd, buf, sizeof buf, 0);   /* one request; the body of ours is small */
        (void)n;
        pthread_mutex_lock(&mu);
        uint8_t sel = cur_len ? cur[0] : 0;
        const uint8_t *body = cur_len ? cur + 1 : cur;
        size_t blen = cur_len ? cur_len - 1 : 0;
        char head[256];
        int h = snprintf(head, sizeof head, "HTTP/1.1 %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\nRetry-After: 0\r\n"
                         "Connection: close\r\n\r\n", statuses[sel % 12], types[(sel / 12) % 4], blen);
        ssize_t w = send(fd, head, (size_t)h, MSG_NOSIGNAL);
        if (w > 0 && blen) w = send(fd, body, blen, MSG_NOSIGNAL);
        pthread_mutex_unlock(&mu);
        close(fd);
    }
    return NULL;
}

int LLVMFuzzerInitialize(int *argc, char ***argv) {
    (void)argc; (void)argv;
    listener = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    bind(listener, (struct sockaddr *)&a, sizeof a);
    socklen_t len = sizeof a;
    getsockname(listener, (struct sockaddr *)&a, &len);
    listen(listener, 64);
    pthread_t t;
    pthread_create(&t, NULL, serve, NULL);
    char opts[256];
    snprintf(opts, sizeof opts, "{\"base_url\":\"http://127.0.0.1:%d\",\"api_key\":\"dcp-renter-fuzz\",\"max_retries\":0,"
             "\"timeout_ms\":200,\"max_response_bytes\":1048576}", ntohs(a.sin_port));
    dc1_client_new(&client, opts);
    return 0;
}

static int on_event(void *u, const char *ev) { (void)u; return ev == NULL; }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    pthread_mutex_lock(&mu);
    uint8_t *copy = realloc(cur, size ? size : 1);
    if (copy) {
        cur = copy;
        if (size) memcpy(cur, data, size);
        cur_len = size;
    }
    pthread_mutex_unlock(&mu);
    char *out = NULL;
    int rc;
    switch (size ? data[0] % 7 : 0) {
    case 0: rc = dc1_job_get(client, "job-1", &out); break;
    case 1: rc = dc1_job_output(client, "job-1", &out); break;
    case 2: rc = dc1_balance(client, &out); break;
    case 3: rc = dc1_job_logs(client, "job-1", NULL, &out); break;
    case 4: rc = dc1_job_wait(client, "job-1", "{\"timeout_ms\":60,\"poll_interval_ms\":10,\"use_stream\":false}", &out); break;
    case 5: rc = dc1_job_logs_stream(client, "job-1", "{\"timeout_ms\":60,\"max_reconnects\":0}", on_event, NULL, &out); break;
    default: rc = dc1_job_submit(client, "{\"job_type\":\"llm_inference\",\"duration_minutes\":1}", &out); break;
    }
    if (rc != 0 && out && !strstr(out, "\"code\":\"DC1_E_")) abort();
    dc1_free(out);
    return 0;
}
