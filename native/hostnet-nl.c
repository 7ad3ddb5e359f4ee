/*
 * hostnet-nl: the few things hostnet needs that Node.js cannot do itself (it has no netlink sockets, no
 * unshare/setns). It knows nothing of the messages it carries: hostnet builds and decodes every byte.
 *
 *   hostnet-nl [--netns NAME] request --port N [--timeout-ms T]
 *       Send the rtnetlink message read from stdin (hex) to netlink port N (0: the kernel) and print each
 *       reply message as one line of hex, until an NLMSG_ERROR, an NLMSG_DONE or a message that is not part
 *       of a multipart answer. Exit 0 with the replies, 3 when none came within the timeout.
 *   hostnet-nl [--netns NAME] peer --port N [--count K] [--timeout-ms T]
 *       A stand-in for a netlink peer (tests): bind port N, print "ready", then for each of K requests print
 *       it as hex and answer with the next stdin line: hex messages separated by ',' (each gets the
 *       request's sequence number), or '-' for no answer.
 *   hostnet-nl [--netns NAME] private [--tmpfs DIR]... [--bind SRC:DST]... -- PROGRAM ARG...
 *       Run PROGRAM in a mount and IPC namespace of its own (mounts private, a fresh /sys for the network
 *       namespace, DIRs as empty tmpfs, SRC bind-mounted on DST): a daemon that keeps state in fixed paths
 *       (/run, /dev/shm, /var/lib/...) can then run once per network namespace.
 *
 * --netns NAME enters /run/netns/NAME first. Exit codes: 0 ok, 2 usage, 3 timeout, 1 system error.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <linux/netlink.h>

#define MAX_MSG 65536
#define MAX_LINE (2 * MAX_MSG + 16)
#define MAX_MOUNTS 16

static void die(int code, const char *what) {
  fprintf(stderr, "hostnet-nl: %s: %s\n", what, errno ? strerror(errno) : "invalid");
  exit(code);
}

static void usage(const char *msg) {
  errno = 0;
  fprintf(stderr, "hostnet-nl: %s\n", msg);
  exit(2);
}

static int hexval(int c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

/* Decode hex from s (up to a NUL, newline or ',') into out; returns the byte count, -1 when malformed. */
static long unhex(const char *s, unsigned char *out, size_t cap, const char **end) {
  size_t n = 0;
  while (*s && *s != '\n' && *s != ',') {
    int hi = hexval((unsigned char)s[0]);
    int lo = s[1] ? hexval((unsigned char)s[1]) : -1;
    if (hi < 0 || lo < 0 || n >= cap) return -1;
    out[n++] = (unsigned char)(hi << 4 | lo);
    s += 2;
  }
  if (end) *end = s;
  return (long)n;
}

static void puthex(const unsigned char *b, size_t n) {
  static const char digits[] = "0123456789abcdef";
  for (size_t i = 0; i < n; i++) {
    putchar(digits[b[i] >> 4]);
    putchar(digits[b[i] & 15]);
  }
  putchar('\n');
  fflush(stdout);
}

static long parse_num(const char *s, const char *what) {
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  if (errno || *end || end == s || v < 0) usage(what);
  return v;
}

static void enter_netns(const char *name) {
  char path[512];
  if (strchr(name, '/') || strlen(name) > 255) usage("invalid namespace name");
  snprintf(path, sizeof path, "/run/netns/%s", name);
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) die(1, path);
  if (setns(fd, CLONE_NEWNET) < 0) die(1, "setns");
  close(fd);
}

static int nl_socket(unsigned port) {
  int s = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (s < 0) die(1, "netlink socket");
  struct sockaddr_nl a = {.nl_family = AF_NETLINK, .nl_pid = port};
  if (bind(s, (struct sockaddr *)&a, sizeof a) < 0) die(1, "bind netlink port");
  return s;
}

static long long now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (long long)t.tv_sec * 1000 + t.tv_nsec / 1000000;
}

/* Wait for a datagram until the deadline; returns its length, 0 on timeout. */
static ssize_t recv_until(int s, unsigned char *buf, long long deadline, struct sockaddr_nl *from) {
  for (;;) {
    long long left = deadline - now_ms();
    if (left <= 0) return 0;
    struct pollfd p = {.fd = s, .events = POLLIN};
    int r = poll(&p, 1, (int)left);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) die(1, "poll");
    if (r == 0) return 0;
    socklen_t fl = sizeof *from;
    ssize_t n = recvfrom(s, buf, MAX_MSG, 0, (struct sockaddr *)from, &fl);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) die(1, "recv");
    if (n > 0) return n;
  }
}

static int cmd_request(unsigned port, long timeout_ms) {
  static char line[MAX_LINE];
  static unsigned char msg[MAX_MSG], buf[MAX_MSG];
  if (!fgets(line, sizeof line, stdin)) usage("no message on stdin");
  long len = unhex(line, msg, sizeof msg, NULL);
  if (len < (long)sizeof(struct nlmsghdr)) usage("malformed message on stdin");
  struct nlmsghdr *req = (struct nlmsghdr *)msg;
  if (req->nlmsg_len != (unsigned)len) usage("message length does not match its header");

  int s = nl_socket(0);
  struct sockaddr_nl to = {.nl_family = AF_NETLINK, .nl_pid = port};
  if (sendto(s, msg, (size_t)len, 0, (struct sockaddr *)&to, sizeof to) < 0) die(1, "send");

  long long deadline = now_ms() + timeout_ms;
  for (;;) {
    struct sockaddr_nl from;
    ssize_t n = recv_until(s, buf, deadline, &from);
    if (n == 0) {
      errno = 0;
      fprintf(stderr, "hostnet-nl: no answer from netlink port %u within %ld ms\n", port, timeout_ms);
      return 3;
    }
    if (from.nl_pid != port) continue; /* not from the peer we asked */
    int last = 0;
    for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (unsigned)n); h = NLMSG_NEXT(h, n)) {
      if (h->nlmsg_seq != req->nlmsg_seq) continue;
      puthex((unsigned char *)h, h->nlmsg_len);
      if (h->nlmsg_type == NLMSG_ERROR || h->nlmsg_type == NLMSG_DONE || !(h->nlmsg_flags & NLM_F_MULTI)) last = 1;
    }
    if (last) return 0;
  }
}

static int cmd_peer(unsigned port, long count, long timeout_ms) {
  static char line[MAX_LINE];
  static unsigned char buf[MAX_MSG], reply[MAX_MSG];
  int s = nl_socket(port);
  printf("ready\n");
  fflush(stdout);
  for (long i = 0; i < count; i++) {
    struct sockaddr_nl from;
    ssize_t n = recv_until(s, buf, now_ms() + timeout_ms, &from);
    if (n == 0) {
      errno = 0;
      fprintf(stderr, "hostnet-nl: peer: no request within %ld ms\n", timeout_ms);
      return 3;
    }
    struct nlmsghdr *req = (struct nlmsghdr *)buf;
    puthex(buf, (size_t)n);
    if (!fgets(line, sizeof line, stdin)) usage("peer: no answer line on stdin");
    if (line[0] == '-') continue;
    const char *p = line;
    for (;;) {
      long len = unhex(p, reply, sizeof reply, &p);
      if (len < (long)sizeof(struct nlmsghdr)) usage("peer: malformed answer");
      ((struct nlmsghdr *)reply)->nlmsg_seq = req->nlmsg_seq;
      if (sendto(s, reply, (size_t)len, 0, (struct sockaddr *)&from, sizeof from) < 0) die(1, "peer send");
      if (*p != ',') break;
      p++;
    }
  }
  return 0;
}

static int cmd_private(char **tmpfs, int ntmpfs, char **binds, int nbinds, int fresh_sys, char **argv) {
  if (unshare(CLONE_NEWNS | CLONE_NEWIPC) < 0) die(1, "unshare");
  if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) die(1, "mount --make-rprivate /");
  if (fresh_sys) {
    /* sysfs shows the network namespace of whoever mounts it: a fresh one shows this namespace's links */
    if (umount2("/sys", MNT_DETACH) < 0) die(1, "umount /sys");
    if (mount("sysfs", "/sys", "sysfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0) die(1, "mount /sys");
  }
  for (int i = 0; i < ntmpfs; i++) {
    if (mount("tmpfs", tmpfs[i], "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") < 0) die(1, tmpfs[i]);
  }
  for (int i = 0; i < nbinds; i++) {
    char *colon = strchr(binds[i], ':');
    if (!colon) usage("--bind needs SRC:DST");
    *colon = '\0';
    if (mount(binds[i], colon + 1, NULL, MS_BIND, NULL) < 0) die(1, binds[i]);
  }
  execvp(argv[0], argv);
  die(1, argv[0]);
  return 1;
}

int main(int argc, char **argv) {
  int i = 1;
  const char *netns = NULL;
  if (i + 1 < argc && strcmp(argv[i], "--netns") == 0) {
    netns = argv[i + 1];
    i += 2;
  }
  if (i >= argc) usage("usage: hostnet-nl [--netns NAME] request|peer|private ...");
  const char *cmd = argv[i++];
  if (netns) enter_netns(netns);

  if (strcmp(cmd, "private") == 0) {
    char *tmpfs[MAX_MOUNTS], *binds[MAX_MOUNTS];
    int nt = 0, nb = 0;
    for (; i < argc && strcmp(argv[i], "--") != 0; i += 2) {
      if (i + 1 >= argc) usage("private: option without value");
      if (strcmp(argv[i], "--tmpfs") == 0 && nt < MAX_MOUNTS) tmpfs[nt++] = argv[i + 1];
      else if (strcmp(argv[i], "--bind") == 0 && nb < MAX_MOUNTS) binds[nb++] = argv[i + 1];
      else usage("private: unknown option or too many mounts");
    }
    if (i + 1 >= argc) usage("private: no program after --");
    return cmd_private(tmpfs, nt, binds, nb, netns != NULL, argv + i + 1);
  }

  long port = -1, count = 1, timeout_ms = 2000;
  for (; i < argc; i += 2) {
    if (i + 1 >= argc) usage("option without value");
    if (strcmp(argv[i], "--port") == 0) port = parse_num(argv[i + 1], "invalid --port");
    else if (strcmp(argv[i], "--count") == 0) count = parse_num(argv[i + 1], "invalid --count");
    else if (strcmp(argv[i], "--timeout-ms") == 0) timeout_ms = parse_num(argv[i + 1], "invalid --timeout-ms");
    else usage("unknown option");
  }
  if (port < 0 || port > 0xffffffffL) usage("--port is required");
  if (strcmp(cmd, "request") == 0) return cmd_request((unsigned)port, timeout_ms);
  if (strcmp(cmd, "peer") == 0) return cmd_peer((unsigned)port, count, timeout_ms);
  usage("unknown command");
  return 2;
}
