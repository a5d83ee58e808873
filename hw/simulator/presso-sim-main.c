/* presso-sim-main.c
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * presso-sim: a simulated Presso compression device on a pseudo-terminal.  The host (the app,
 * presso-ctl, a test) opens the path given with --link as if it were a serial port.
 */
#define _XOPEN_SOURCE 700

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

#include "presso-sim.h"

static volatile int stop_requested;

static void
on_signal (int signum)
{
  (void) signum;
  stop_requested = 1;
}

static void
usage (FILE *out)
{
  fprintf (out,
    "Usage: presso-sim --link PATH [OPTION...]\n"
    "\n"
    "A simulated Presso compression device on a pseudo-terminal: PATH becomes a symbolic link\n"
    "to its serial port until presso-sim ends (SIGINT or SIGTERM).\n"
    "\n"
    "Device:\n"
    "  --link PATH             where to link the port (a stale link is replaced)\n"
    "  --chambers N            number of chambers, 4..32 (default 12)\n"
    "  --garments LIST         boots, sleeves, belt, boot-left, boot-right, sleeve-left,\n"
    "                          sleeve-right or none, joined with '+' (default boots)\n"
    "  --serial STR            serial number (default SIM-0001)\n"
    "  --telemetry-hz N        telemetry rate, 50..1000 (default 100)\n"
    "  --ceiling MMHG          hard pressure ceiling (default 150)\n"
    "  --seed N                seed of the sensor noise and of the fault dice\n"
    "\n"
    "Faults (chambers are numbered from 0, the most distal of the first outlet):\n"
    "  --corrupt FRACTION      alter this share of the bytes sent (0..1)\n"
    "  --drop FRACTION         leave out this share of the frames sent (0..1)\n"
    "  --stall-after S         stop reading and sending after S seconds...\n"
    "  --stall-for S           ...for S seconds (default 5)\n"
    "  --disconnect-after S    close the port after S seconds and exit\n"
    "  --reset-after S         restart the controller after S seconds (DEVICE_RESET)\n"
    "  --loop-overrun-after S  the control loop misses 100 ms after S seconds (LOOP_OVERRUN)\n"
    "  --leak K                chamber K leaks (the pump has to keep making up for it)\n"
    "  --stuck-sensor K        chamber K's sensor freezes once it passes 20 mmHg\n"
    "  --overshoot K           chamber K's inlet valve sticks open and its vent stays shut\n"
    "  --missing-garment K     nothing connected to chamber K: it never fills\n"
    "\n"
    "Command faults (CMDS: hello, load-program, start, pause, resume, stop, vent, heartbeat,\n"
    "set-limits, ack-alarm, joined with ',', or all):\n"
    "  --nak-always CMDS       answer every one of these commands with NAK, never act on it\n"
    "                          (a VENT is still carried out: only its reply says NAK)\n"
    "  --nak-next N            answer the next N commands with NAK (see --fault-commands)\n"
    "  --nak-code CODE         the NAKs' reason: unknown-type, bad-length, bad-state,\n"
    "                          bad-value, version, no-hello or 1..6 (default bad-state)\n"
    "  --drop-next N           lose the next N commands before the device sees them: no\n"
    "                          action, no reply (before --nak-next takes its turn)\n"
    "  --mute-next N           carry out the next N commands but lose their replies (after\n"
    "                          --drop-next, before --nak-next)\n"
    "  --fault-commands CMDS   what --drop-next, --mute-next, --nak-next count (default: all\n"
    "                          but hello and heartbeat); a host's retransmission counts again\n"
    "\n"
    "  -h, --help              show this help\n");
}

static int
parse_double (const char *arg,
              double      min,
              double      max,
              double     *out)
{
  char *end = NULL;
  double v;

  errno = 0;
  v = strtod (arg, &end);
  if (errno || end == arg || *end || !(v >= min && v <= max))
    return -1;
  *out = v;
  return 0;
}

static int
parse_long (const char *arg,
            long        min,
            long        max,
            long       *out)
{
  char *end = NULL;
  long v;

  errno = 0;
  v = strtol (arg, &end, 10);
  if (errno || end == arg || *end || v < min || v > max)
    return -1;
  *out = v;
  return 0;
}

static int
open_pty (char   *slave,
          size_t  slave_size)
{
  struct termios t;
  const char *name;
  int fd;

  fd = posix_openpt (O_RDWR | O_NOCTTY);
  if (fd < 0)
    return -1;
  if (grantpt (fd) < 0 || unlockpt (fd) < 0 || !(name = ptsname (fd))
      || strlen (name) >= slave_size)
    {
      close (fd);
      return -1;
    }
  strcpy (slave, name);

  /* Raw bytes both ways: no echo, no line editing, no CR/LF translation, no signals. */
  if (tcgetattr (fd, &t) == 0)
    {
      t.c_iflag &= ~(tcflag_t) (IGNBRK | BRKINT | PARMRK | ISTRIP | INLCR | IGNCR | ICRNL | IXON
                                | IXOFF);
      t.c_oflag &= ~(tcflag_t) OPOST;
      t.c_lflag &= ~(tcflag_t) (ECHO | ECHONL | ICANON | ISIG | IEXTEN);
      t.c_cflag &= ~(tcflag_t) (CSIZE | PARENB);
      t.c_cflag |= CS8;
      t.c_cc[VMIN] = 1;
      t.c_cc[VTIME] = 0;
      cfsetispeed (&t, B115200);
      cfsetospeed (&t, B115200);
      tcsetattr (fd, TCSANOW, &t);
    }
  return fd;
}

static int
make_link (const char *slave,
           const char *link)
{
  struct stat st;

  if (lstat (link, &st) == 0)
    {
      if (!S_ISLNK (st.st_mode))
        {
          fprintf (stderr, "presso-sim: %s exists and is not a symbolic link\n", link);
          return -1;
        }
      unlink (link);
    }
  if (symlink (slave, link) < 0)
    {
      fprintf (stderr, "presso-sim: cannot link %s: %s\n", link, strerror (errno));
      return -1;
    }
  return 0;
}

/* Removes the link only if it still points at our port. */
static void
remove_link (const char *slave,
             const char *link)
{
  char target[PATH_MAX];
  ssize_t len = readlink (link, target, sizeof target - 1);

  if (len < 0)
    return;
  target[len] = '\0';
  if (strcmp (target, slave) == 0)
    unlink (link);
}

int
main (int   argc,
      char *argv[])
{
  enum {
    OPT_LINK = 256, OPT_CHAMBERS, OPT_GARMENTS, OPT_SERIAL, OPT_TELEMETRY_HZ, OPT_CEILING,
    OPT_SEED, OPT_CORRUPT, OPT_DROP, OPT_STALL_AFTER, OPT_STALL_FOR, OPT_DISCONNECT_AFTER,
    OPT_RESET_AFTER, OPT_LEAK, OPT_STUCK_SENSOR, OPT_OVERSHOOT, OPT_MISSING_GARMENT,
    OPT_LOOP_OVERRUN_AFTER, OPT_NAK_ALWAYS, OPT_NAK_NEXT, OPT_NAK_CODE, OPT_DROP_NEXT,
    OPT_FAULT_COMMANDS, OPT_MUTE_NEXT,
  };
  static const struct option options[] = {
    { "link",              required_argument, NULL, OPT_LINK },
    { "chambers",          required_argument, NULL, OPT_CHAMBERS },
    { "garments",          required_argument, NULL, OPT_GARMENTS },
    { "serial",            required_argument, NULL, OPT_SERIAL },
    { "telemetry-hz",      required_argument, NULL, OPT_TELEMETRY_HZ },
    { "ceiling",           required_argument, NULL, OPT_CEILING },
    { "seed",              required_argument, NULL, OPT_SEED },
    { "corrupt",           required_argument, NULL, OPT_CORRUPT },
    { "drop",              required_argument, NULL, OPT_DROP },
    { "stall-after",       required_argument, NULL, OPT_STALL_AFTER },
    { "stall-for",         required_argument, NULL, OPT_STALL_FOR },
    { "disconnect-after",  required_argument, NULL, OPT_DISCONNECT_AFTER },
    { "reset-after",       required_argument, NULL, OPT_RESET_AFTER },
    { "leak",              required_argument, NULL, OPT_LEAK },
    { "stuck-sensor",      required_argument, NULL, OPT_STUCK_SENSOR },
    { "overshoot",         required_argument, NULL, OPT_OVERSHOOT },
    { "missing-garment",   required_argument, NULL, OPT_MISSING_GARMENT },
    { "loop-overrun-after", required_argument, NULL, OPT_LOOP_OVERRUN_AFTER },
    { "nak-always",        required_argument, NULL, OPT_NAK_ALWAYS },
    { "nak-next",          required_argument, NULL, OPT_NAK_NEXT },
    { "nak-code",          required_argument, NULL, OPT_NAK_CODE },
    { "drop-next",         required_argument, NULL, OPT_DROP_NEXT },
    { "fault-commands",    required_argument, NULL, OPT_FAULT_COMMANDS },
    { "mute-next",         required_argument, NULL, OPT_MUTE_NEXT },
    { "help",              no_argument,       NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  presso_sim_config cfg;
  presso_sim *sim;
  struct sigaction sa;
  const char *link = NULL;
  char slave[128];
  int opt, fd, rc;

  presso_sim_config_init (&cfg);
  cfg.stall_for_s = 5;

  while ((opt = getopt_long (argc, argv, "h", options, NULL)) != -1)
    {
      long l = 0;
      int bad = 0;

      switch (opt)
        {
        case 'h':
          usage (stdout);
          return 0;
        case OPT_LINK:
          link = optarg;
          break;
        case OPT_CHAMBERS:
          bad = parse_long (optarg, PRESSO_CTL_MIN_CHAMBERS, PRESSO_CTL_MAX_CHAMBERS, &l);
          cfg.n_chambers = (unsigned) l;
          break;
        case OPT_GARMENTS:
          cfg.garments = optarg;
          break;
        case OPT_SERIAL:
          cfg.serial = optarg;
          break;
        case OPT_TELEMETRY_HZ:
          bad = parse_long (optarg, PRESSO_PROTO_MIN_TELEMETRY_HZ, PRESSO_PROTO_MAX_TELEMETRY_HZ, &l);
          cfg.telemetry_hz = (uint16_t) l;
          break;
        case OPT_CEILING:
          bad = parse_long (optarg, 1, PRESSO_PROTO_MAX_TARGET_DMMHG / 10, &l);
          cfg.ceiling_dmmhg = (int16_t) (l * 10);
          break;
        case OPT_SEED:
          bad = parse_long (optarg, 0, LONG_MAX, &l);
          cfg.seed = (uint64_t) l;
          break;
        case OPT_CORRUPT:
          bad = parse_double (optarg, 0, 1, &cfg.corrupt_fraction);
          break;
        case OPT_DROP:
          bad = parse_double (optarg, 0, 1, &cfg.drop_fraction);
          break;
        case OPT_STALL_AFTER:
          bad = parse_double (optarg, 0, 1e6, &cfg.stall_after_s);
          break;
        case OPT_STALL_FOR:
          bad = parse_double (optarg, 0, 1e6, &cfg.stall_for_s);
          break;
        case OPT_DISCONNECT_AFTER:
          bad = parse_double (optarg, 0, 1e6, &cfg.disconnect_after_s);
          break;
        case OPT_RESET_AFTER:
          bad = parse_double (optarg, 0, 1e6, &cfg.reset_after_s);
          break;
        case OPT_LOOP_OVERRUN_AFTER:
          bad = parse_double (optarg, 0, 1e6, &cfg.loop_overrun_after_s);
          break;
        case OPT_LEAK:
        case OPT_STUCK_SENSOR:
        case OPT_OVERSHOOT:
        case OPT_MISSING_GARMENT:
          bad = parse_long (optarg, 0, PRESSO_CTL_MAX_CHAMBERS - 1, &l);
          if (opt == OPT_LEAK)
            cfg.leak_chamber = (int) l;
          else if (opt == OPT_STUCK_SENSOR)
            cfg.stuck_sensor_chamber = (int) l;
          else if (opt == OPT_OVERSHOOT)
            cfg.overshoot_chamber = (int) l;
          else
            cfg.missing_garment_chamber = (int) l;
          break;
        case OPT_NAK_ALWAYS:
          bad = presso_sim_parse_commands (optarg, &cfg.nak_always);
          break;
        case OPT_FAULT_COMMANDS:
          bad = presso_sim_parse_commands (optarg, &cfg.fault_commands);
          break;
        case OPT_NAK_CODE:
          bad = presso_sim_parse_nak_code (optarg, &cfg.nak_code);
          break;
        case OPT_NAK_NEXT:
        case OPT_DROP_NEXT:
        case OPT_MUTE_NEXT:
          bad = parse_long (optarg, 0, 1000000, &l);
          if (opt == OPT_NAK_NEXT)
            cfg.nak_next = (unsigned) l;
          else if (opt == OPT_DROP_NEXT)
            cfg.drop_next = (unsigned) l;
          else
            cfg.mute_next = (unsigned) l;
          break;
        default:
          usage (stderr);
          return 2;
        }
      if (bad)
        {
          fprintf (stderr, "presso-sim: invalid value for --%s: %s\n",
                   options[opt - OPT_LINK].name, optarg);
          return 2;
        }
    }

  if (!link || optind < argc)
    {
      usage (stderr);
      return 2;
    }

  sim = presso_sim_new (&cfg);
  if (!sim)
    {
      fprintf (stderr, "presso-sim: invalid device (chambers, garments or fault chamber)\n");
      return 2;
    }

  fd = open_pty (slave, sizeof slave);
  if (fd < 0)
    {
      fprintf (stderr, "presso-sim: cannot create a pseudo-terminal: %s\n", strerror (errno));
      presso_sim_free (sim);
      return 1;
    }
  if (make_link (slave, link) < 0)
    {
      close (fd);
      presso_sim_free (sim);
      return 1;
    }

  memset (&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset (&sa.sa_mask);
  sigaction (SIGINT, &sa, NULL);
  sigaction (SIGTERM, &sa, NULL);
  sa.sa_handler = SIG_IGN;
  sigaction (SIGPIPE, &sa, NULL);

  printf ("presso-sim: %u chambers, serving on %s (%s)\n",
          cfg.n_chambers, link, slave);
  fflush (stdout);

  rc = presso_sim_serve_fd (sim, fd, &stop_requested);

  remove_link (slave, link);
  close (fd);
  presso_sim_free (sim);

  if (rc == -ECONNRESET)
    {
      printf ("presso-sim: disconnected (injected fault)\n");
      return 0;
    }
  if (rc < 0)
    {
      fprintf (stderr, "presso-sim: %s\n", strerror (-rc));
      return 1;
    }
  return 0;
}
