/* counterd: a tiny counter service, shipped as a user's own program is.
 *
 *   counterd [CONFIG]         serve: bind 127.0.0.1:PORT, keep the count in
 *                             STATE (written at start and after each change)
 *   counterd client COMMAND   send COMMAND ("incr" or "get"), print the reply
 *
 * CONFIG (default /etc/counterd.conf) holds "port = N" and "state = PATH".
 * Every failure is said on stderr (the journal) and ends with exit 1. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int port = 7070;
static char state[256] = "/var/lib/counterd/count";

static int fail(const char *what, const char *arg) {
  fprintf(stderr, "counterd: %s %s: %s\n", what, arg, strerror(errno));
  return 1;
}

static void read_config(const char *path) {
  FILE *f = fopen(path, "r");
  char line[300], value[256];
  if (!f) return;
  while (fgets(line, sizeof line, f)) {
    if (sscanf(line, " port = %d", &port) == 1) continue;
    if (sscanf(line, " state = %255s", value) == 1) snprintf(state, sizeof state, "%s", value);
  }
  fclose(f);
}

static int save(long count) {
  char tmp[300];
  snprintf(tmp, sizeof tmp, "%s.tmp", state);
  FILE *f = fopen(tmp, "w");
  if (!f) return fail("cannot write", tmp);
  fprintf(f, "%ld\n", count);
  if (fclose(f) != 0) return fail("cannot write", tmp);
  if (rename(tmp, state) != 0) return fail("cannot rename to", state);
  return 0;
}

static struct sockaddr_in loopback(void) {
  struct sockaddr_in addr;
  memset(&addr, 0, sizeof addr);
  addr.sin_family = AF_INET;
  addr.sin_port = htons((unsigned short)port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return addr;
}

static int client(const char *command) {
  struct sockaddr_in addr = loopback();
  char reply[64];
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return fail("cannot open a socket", "");
  if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) return fail("cannot connect to", "127.0.0.1");
  dprintf(fd, "%s\n", command);
  ssize_t n = read(fd, reply, sizeof reply - 1);
  if (n <= 0) return fail("no reply to", command);
  reply[n] = '\0';
  fputs(reply, stdout);
  return strncmp(reply, "ERR", 3) == 0;
}

static int serve(void) {
  long count = 0;
  FILE *f = fopen(state, "r");
  if (f) {
    if (fscanf(f, "%ld", &count) != 1) count = 0;
    fclose(f);
  }
  if (save(count) != 0) return 1;
  struct sockaddr_in addr = loopback();
  int one = 1, fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return fail("cannot open a socket", "AF_INET");
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind(fd, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(fd, 16) != 0)
    return fail("cannot listen on", "127.0.0.1");
  fprintf(stderr, "counterd: serving on 127.0.0.1:%d, count %ld in %s\n", port, count, state);
  for (;;) {
    char request[64] = "";
    int conn = accept(fd, NULL, NULL);
    if (conn < 0) continue;
    ssize_t n = read(conn, request, sizeof request - 1);
    if (n > 0 && strncmp(request, "incr", 4) == 0) {
      ++count;
      if (save(count) != 0) {
        dprintf(conn, "ERR cannot save\n");
        close(conn);
        continue;
      }
    }
    dprintf(conn, "%ld\n", count);
    close(conn);
  }
}

int main(int argc, char **argv) {
  if (argc == 3 && strcmp(argv[1], "client") == 0) {
    read_config("/etc/counterd.conf");
    return client(argv[2]);
  }
  read_config(argc > 1 ? argv[1] : "/etc/counterd.conf");
  return serve();
}
