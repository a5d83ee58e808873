/* presso-sim.c
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The glue: controller + model + codec + a file descriptor, in real time.  The simulated clock
 * follows CLOCK_MONOTONIC: each pass of the loop steps the physics in 1 ms steps and the control
 * loop every PRESSO_SIM_TICK_MS up to "now", then sleeps in poll() until the next tick or until
 * bytes arrive.  If the process is held up, the device catches up: it keeps its own 2 ms
 * period, as a real controller would while the host stalls.
 */
#include "config.h"

#include "presso-sim.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define OUT_SIZE         65536
#define READ_CHUNK       4096
#define PROBE_MS         20      /* how often a hung-up terminal is checked for a new host */
#define LEAK_TAU_S       2.5     /* the injected leak: 16 mmHg/s lost at 40 mmHg */
#define STUCK_ABOVE_MMHG 20.0
#define OVERRUN_MS       100     /* the injected control-loop hiccup */

struct presso_sim {
  presso_sim_config  cfg;
  char               model_name[24];
  char               serial[24];
  char               firmware[16];
  presso_ctl_config  ctl_cfg;
  presso_ctl_hal     hal;
  presso_ctl         ctl;
  presso_sim_model   model;
  presso_proto_decoder dec;

  uint64_t           clock_ms;       /* simulated time since presso_sim_new() */
  uint64_t           boot_ms;        /* clock_ms at the controller's last power-up */
  uint64_t           next_tick_ms;
  uint64_t           rng;
  bool               reset_done;
  bool               overrun_done;
  bool               stalled;
  bool               host_absent;    /* terminal hung up: nobody to send to */

  uint8_t            out[OUT_SIZE];
  size_t             out_off;
  size_t             out_len;
  uint32_t           frames_dropped;

  /* Command faults */
  uint32_t           fault_commands;
  unsigned           nak_left;
  unsigned           drop_left;
  unsigned           mute_left;
  unsigned           naks_sent;
  unsigned           commands_dropped;
  unsigned           replies_lost;
  bool               vent_nak;       /* the controller's ACK of this VENT goes out as a NAK */
  uint8_t            vent_nak_seq;
  bool               mute;           /* the controller's reply to this command is lost */
  uint8_t            mute_seq;
};

static uint64_t
monotonic_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (uint64_t) ts.tv_sec * 1000u + (uint64_t) ts.tv_nsec / 1000000u;
}

static double
dice (presso_sim *sim)
{
  /* xorshift64*, [0, 1) */
  sim->rng ^= sim->rng >> 12;
  sim->rng ^= sim->rng << 25;
  sim->rng ^= sim->rng >> 27;
  return ((sim->rng * 0x2545F4914F6CDD1DULL) >> 11) / 9007199254740992.0;
}

static void
copy_text (char       *dst,
           size_t      size,
           const char *src)
{
  size_t len = strlen (src);

  if (len > size - 1)
    len = size - 1;
  memset (dst, 0, size);
  memcpy (dst, src, len);
}

/* HAL */

static void
hal_set_inlet (void     *data,
               unsigned  chamber,
               bool      open)
{
  presso_sim *sim = data;

  presso_sim_model_set_inlet (&sim->model, chamber, open);
}

static void
hal_set_vent (void     *data,
              unsigned  chamber,
              bool      open)
{
  presso_sim *sim = data;

  presso_sim_model_set_vent (&sim->model, chamber, open);
}

static void
hal_set_compressor (void   *data,
                    double  duty)
{
  presso_sim *sim = data;

  presso_sim_model_set_compressor (&sim->model, duty);
}

static double
hal_read_pressure (void     *data,
                   unsigned  chamber)
{
  presso_sim *sim = data;

  return presso_sim_model_read (&sim->model, chamber);
}

static uint32_t
hal_now_ms (void *data)
{
  presso_sim *sim = data;

  return (uint32_t) (sim->clock_ms - sim->boot_ms);
}

/* Output: encode, apply the injected faults, queue. */

static void
on_output (const presso_proto_msg *msg,
           void                   *data)
{
  presso_sim *sim = data;
  uint8_t frame[PRESSO_PROTO_MAX_FRAME];
  presso_proto_msg nak;
  size_t n;

  if (sim->stalled || sim->host_absent)
    return;
  if (sim->mute && (msg->type == PRESSO_PROTO_MSG_ACK || msg->type == PRESSO_PROTO_MSG_NAK)
      && msg->u.ack.seq == sim->mute_seq)
    {
      sim->replies_lost++;
      return;
    }
  if (sim->vent_nak && msg->type == PRESSO_PROTO_MSG_ACK && msg->u.ack.seq == sim->vent_nak_seq)
    {
      memset (&nak, 0, sizeof nak);
      nak.type = PRESSO_PROTO_MSG_NAK;
      nak.seq = msg->seq;
      nak.u.nak.seq = msg->u.ack.seq;
      nak.u.nak.code = sim->cfg.nak_code;
      msg = &nak;
    }
  if (sim->cfg.drop_fraction > 0 && dice (sim) < sim->cfg.drop_fraction)
    {
      sim->frames_dropped++;
      return;
    }
  n = presso_proto_encode (msg, frame, sizeof frame);
  if (n == 0)
    return;
  if (sim->cfg.corrupt_fraction > 0)
    for (size_t i = 0; i < n; i++)
      if (dice (sim) < sim->cfg.corrupt_fraction)
        frame[i] ^= (uint8_t) (1 + (int) (dice (sim) * 255));

  if (sim->out_off + sim->out_len + n > OUT_SIZE)
    {
      memmove (sim->out, sim->out + sim->out_off, sim->out_len);
      sim->out_off = 0;
    }
  if (sim->out_len + n > OUT_SIZE)
    {
      /* The host is not reading: newest frames go first. */
      sim->frames_dropped++;
      return;
    }
  memcpy (sim->out + sim->out_off + sim->out_len, frame, n);
  sim->out_len += n;
}

static void
power_up_controller (presso_sim *sim)
{
  sim->boot_ms = sim->clock_ms;
  presso_ctl_init (&sim->ctl, &sim->hal, &sim->ctl_cfg);
  presso_ctl_set_output (&sim->ctl, on_output, sim);
  presso_proto_decoder_init (&sim->dec);
}

static bool
due (double at_s,
     uint64_t clock_ms)
{
  return at_s >= 0 && (double) clock_ms >= at_s * 1000.0;
}

/* Physics every millisecond, control loop every tick, up to target_ms. */
static void
advance_to (presso_sim *sim,
            uint64_t    target_ms)
{
  while (sim->clock_ms < target_ms)
    {
      sim->clock_ms++;
      presso_sim_model_step (&sim->model, 0.001);
      if (sim->clock_ms < sim->next_tick_ms)
        continue;
      sim->next_tick_ms += PRESSO_SIM_TICK_MS;

      if (!sim->reset_done && due (sim->cfg.reset_after_s, sim->clock_ms))
        {
          sim->reset_done = true;
          power_up_controller (sim);
        }
      if (!sim->overrun_done && due (sim->cfg.loop_overrun_after_s, sim->clock_ms))
        {
          /* The controller misses its ticks for a while; the air does not wait. */
          sim->overrun_done = true;
          sim->next_tick_ms += OVERRUN_MS;
          continue;
        }
      sim->stalled = due (sim->cfg.stall_after_s, sim->clock_ms)
                     && !due (sim->cfg.stall_after_s + sim->cfg.stall_for_s, sim->clock_ms);
      presso_ctl_tick (&sim->ctl);
    }
}

/* The injected command faults, between the decoder and the controller. */
static void
handle_command (presso_sim             *sim,
                const presso_proto_msg *msg)
{
  uint32_t bit = msg->type < 32 ? PRESSO_SIM_COMMAND (msg->type) : 0;
  bool counted = (bit & sim->fault_commands) != 0;
  bool nak = (bit & sim->cfg.nak_always) != 0;

  if (counted && sim->drop_left > 0)
    {
      /* Lost on the way: the controller never sees it. */
      sim->drop_left--;
      sim->commands_dropped++;
      return;
    }
  if (counted && !nak && sim->mute_left > 0)
    {
      /* Carried out, but the reply is lost on the way back: the host sends it again. */
      sim->mute_left--;
      sim->mute = true;
      sim->mute_seq = msg->seq;
      presso_ctl_handle (&sim->ctl, msg);
      sim->mute = false;
      return;
    }
  if (counted && !nak && sim->nak_left > 0)
    {
      sim->nak_left--;
      nak = true;
    }
  if (!nak)
    {
      presso_ctl_handle (&sim->ctl, msg);
      return;
    }

  sim->naks_sent++;
  if (msg->type == PRESSO_PROTO_MSG_VENT)
    {
      /* The reply may say no, the valves may not: a device acts on every VENT before it
       * replies (PROTOCOL.md, section 10), so the controller vents and only its ACK turns
       * into the NAK. */
      sim->vent_nak = true;
      sim->vent_nak_seq = msg->seq;
      presso_ctl_handle (&sim->ctl, msg);
      sim->vent_nak = false;
      return;
    }
  /* Refused, nothing changed; a sign of life all the same, and a retransmission of it gets
   * the same NAK from the controller's duplicate memory. */
  presso_ctl_handle_bad (&sim->ctl, msg->type, msg->seq, (presso_proto_nak_code) sim->cfg.nak_code);
}

static void
feed (presso_sim    *sim,
      const uint8_t *data,
      size_t         len)
{
  size_t off = 0;

  while (off < len)
    {
      presso_proto_msg msg;
      presso_proto_status status = PRESSO_PROTO_NEED_MORE;
      size_t used;
      presso_proto_nak_code nak;

      memset (&msg, 0, sizeof msg);
      used = presso_proto_decoder_feed (&sim->dec, data + off, len - off, &msg, &status);
      off += used;
      if (status == PRESSO_PROTO_OK)
        handle_command (sim, &msg);
      else if ((nak = presso_proto_nak_for_status (status)) != 0)
        presso_ctl_handle_bad (&sim->ctl, msg.type, msg.seq, nak);
      if (used == 0)
        break;
    }
}

static void
host_gone (presso_sim *sim,
           int         fd)
{
  sim->host_absent = true;
  sim->out_off = 0;
  sim->out_len = 0;
  presso_proto_decoder_init (&sim->dec);
  /* What the old host did not read must not greet the next one. */
  tcflush (fd, TCIOFLUSH);
}

/* Public API */

void
presso_sim_config_init (presso_sim_config *cfg)
{
  memset (cfg, 0, sizeof *cfg);
  cfg->n_chambers = 12;
  cfg->garments = "boots";
  cfg->stall_after_s = -1;
  cfg->stall_for_s = 0;
  cfg->disconnect_after_s = -1;
  cfg->reset_after_s = -1;
  cfg->loop_overrun_after_s = -1;
  cfg->leak_chamber = -1;
  cfg->stuck_sensor_chamber = -1;
  cfg->overshoot_chamber = -1;
  cfg->missing_garment_chamber = -1;
}

int
presso_sim_parse_garments (const char          *spec,
                           unsigned             n_chambers,
                           presso_proto_outlet *outlets,
                           unsigned            *n_outlets)
{
  static const struct {
    const char *name;
    uint8_t     garments[2];
  } names[] = {
    { "boots",        { PRESSO_PROTO_GARMENT_BOOT_LEFT, PRESSO_PROTO_GARMENT_BOOT_RIGHT } },
    { "sleeves",      { PRESSO_PROTO_GARMENT_SLEEVE_LEFT, PRESSO_PROTO_GARMENT_SLEEVE_RIGHT } },
    { "belt",         { PRESSO_PROTO_GARMENT_BELT, 0 } },
    { "boot-left",    { PRESSO_PROTO_GARMENT_BOOT_LEFT, 0 } },
    { "boot-right",   { PRESSO_PROTO_GARMENT_BOOT_RIGHT, 0 } },
    { "sleeve-left",  { PRESSO_PROTO_GARMENT_SLEEVE_LEFT, 0 } },
    { "sleeve-right", { PRESSO_PROTO_GARMENT_SLEEVE_RIGHT, 0 } },
  };
  uint8_t garments[PRESSO_PROTO_MAX_OUTLETS];
  unsigned n = 0, first = 0;
  const char *p = spec;

  if (!spec || !outlets || !n_outlets)
    return -1;
  if (strcmp (spec, "none") == 0)
    {
      *n_outlets = 0;
      return 0;
    }

  while (*p)
    {
      size_t len = strcspn (p, "+");
      bool found = false;

      for (unsigned k = 0; k < sizeof names / sizeof names[0] && !found; k++)
        if (strlen (names[k].name) == len && strncmp (names[k].name, p, len) == 0)
          {
            found = true;
            for (unsigned g = 0; g < 2 && names[k].garments[g]; g++)
              {
                if (n >= PRESSO_PROTO_MAX_OUTLETS)
                  return -1;
                garments[n++] = names[k].garments[g];
              }
          }
      if (!found)
        return -1;
      p += len;
      if (*p == '+')
        p++;
    }
  if (n == 0 || n > n_chambers)
    return -1;

  for (unsigned o = 0; o < n; o++)
    {
      unsigned count = n_chambers / n + (o < n_chambers % n ? 1 : 0);

      outlets[o].garment = garments[o];
      outlets[o].first_chamber = (uint8_t) first;
      outlets[o].n_chambers = (uint8_t) count;
      first += count;
    }
  *n_outlets = n;
  return 0;
}

presso_sim *
presso_sim_new (const presso_sim_config *cfg)
{
  presso_sim *sim;
  presso_sim_config c;
  unsigned n_outlets = 0;
  int faults[4];

  if (!cfg)
    return NULL;
  c = *cfg;
  if (c.n_chambers == 0)
    c.n_chambers = 12;
  if (!c.garments)
    c.garments = "boots";
  if (c.n_chambers < PRESSO_CTL_MIN_CHAMBERS || c.n_chambers > PRESSO_CTL_MAX_CHAMBERS)
    return NULL;
  if (!(c.corrupt_fraction >= 0 && c.corrupt_fraction <= 1)
      || !(c.drop_fraction >= 0 && c.drop_fraction <= 1)
      || !(c.stall_for_s >= 0))
    return NULL;
  if (c.nak_code == 0)
    c.nak_code = PRESSO_PROTO_NAK_BAD_STATE;
  if (c.fault_commands == 0)
    c.fault_commands = PRESSO_SIM_DEFAULT_FAULT_COMMANDS;
  if (c.nak_code > PRESSO_PROTO_NAK_NO_HELLO
      || (c.nak_always & ~PRESSO_SIM_ALL_COMMANDS) != 0
      || (c.fault_commands & ~PRESSO_SIM_ALL_COMMANDS) != 0)
    return NULL;
  faults[0] = c.leak_chamber;
  faults[1] = c.stuck_sensor_chamber;
  faults[2] = c.overshoot_chamber;
  faults[3] = c.missing_garment_chamber;
  for (unsigned k = 0; k < 4; k++)
    if (faults[k] >= (int) c.n_chambers)
      return NULL;

  sim = calloc (1, sizeof *sim);
  if (!sim)
    return NULL;
  if (presso_sim_parse_garments (c.garments, c.n_chambers, sim->ctl_cfg.outlets, &n_outlets) < 0)
    {
      free (sim);
      return NULL;
    }
  copy_text (sim->model_name, sizeof sim->model_name, c.model ? c.model : "Presso Simulator");
  copy_text (sim->serial, sizeof sim->serial, c.serial ? c.serial : "SIM-0001");
  copy_text (sim->firmware, sizeof sim->firmware, c.firmware ? c.firmware : PACKAGE_VERSION);
  c.garments = NULL;
  c.model = NULL;
  c.serial = NULL;
  c.firmware = NULL;
  sim->cfg = c;
  sim->fault_commands = c.fault_commands;
  sim->nak_left = c.nak_next;
  sim->drop_left = c.drop_next;
  sim->mute_left = c.mute_next;

  sim->ctl_cfg.n_chambers = (uint8_t) c.n_chambers;
  sim->ctl_cfg.n_outlets = (uint8_t) n_outlets;
  sim->ctl_cfg.model = sim->model_name;
  sim->ctl_cfg.serial = sim->serial;
  sim->ctl_cfg.firmware = sim->firmware;
  sim->ctl_cfg.ceiling_dmmhg = c.ceiling_dmmhg;
  sim->ctl_cfg.telemetry_hz = c.telemetry_hz;

  sim->hal = (presso_ctl_hal) {
    .user_data = sim,
    .set_inlet = hal_set_inlet,
    .set_vent = hal_set_vent,
    .set_compressor = hal_set_compressor,
    .read_pressure = hal_read_pressure,
    .now_ms = hal_now_ms,
  };

  presso_sim_model_init (&sim->model, c.n_chambers, c.seed);
  for (unsigned o = 0; o < n_outlets; o++)
    {
      const presso_proto_outlet *out = &sim->ctl_cfg.outlets[o];
      double volume = 1.0;

      if (out->garment == PRESSO_PROTO_GARMENT_BELT)
        volume = 1.6;
      else if (out->garment == PRESSO_PROTO_GARMENT_SLEEVE_LEFT
               || out->garment == PRESSO_PROTO_GARMENT_SLEEVE_RIGHT)
        volume = 0.7;
      for (unsigned k = 0; k < out->n_chambers; k++)
        sim->model.ch[out->first_chamber + k].volume = volume;
    }
  if (c.leak_chamber >= 0)
    presso_sim_model_inject_leak (&sim->model, (unsigned) c.leak_chamber, LEAK_TAU_S);
  if (c.stuck_sensor_chamber >= 0)
    presso_sim_model_inject_stuck_sensor (&sim->model, (unsigned) c.stuck_sensor_chamber,
                                          STUCK_ABOVE_MMHG);
  if (c.overshoot_chamber >= 0)
    presso_sim_model_inject_overshoot (&sim->model, (unsigned) c.overshoot_chamber);
  if (c.missing_garment_chamber >= 0)
    presso_sim_model_remove_garment (&sim->model, (unsigned) c.missing_garment_chamber);

  sim->rng = (c.seed ? c.seed : 0x853C49E6748FEA9BULL) ^ 0xDA3E39CB94B95BDBULL;
  sim->next_tick_ms = PRESSO_SIM_TICK_MS;
  power_up_controller (sim);
  if (presso_ctl_get_state (&sim->ctl) != PRESSO_PROTO_STATE_IDLE
      || sim->ctl.cfg.n_chambers == 0)
    {
      free (sim);
      return NULL;
    }
  return sim;
}

void
presso_sim_free (presso_sim *sim)
{
  free (sim);
}

void
presso_sim_run (presso_sim *sim,
                uint32_t    ms)
{
  advance_to (sim, sim->clock_ms + ms);
}

unsigned
presso_sim_get_naks_sent (presso_sim *sim)
{
  return sim->naks_sent;
}

unsigned
presso_sim_get_commands_dropped (presso_sim *sim)
{
  return sim->commands_dropped;
}

unsigned
presso_sim_get_replies_lost (presso_sim *sim)
{
  return sim->replies_lost;
}

int
presso_sim_parse_commands (const char *list,
                           uint32_t   *mask)
{
  static const uint8_t types[] = {
    PRESSO_PROTO_MSG_HELLO, PRESSO_PROTO_MSG_LOAD_PROGRAM, PRESSO_PROTO_MSG_START,
    PRESSO_PROTO_MSG_PAUSE, PRESSO_PROTO_MSG_RESUME, PRESSO_PROTO_MSG_STOP,
    PRESSO_PROTO_MSG_VENT, PRESSO_PROTO_MSG_HEARTBEAT, PRESSO_PROTO_MSG_SET_LIMITS,
    PRESSO_PROTO_MSG_ACK_ALARM,
  };
  const char *p = list;
  uint32_t m = 0;

  if (!list || !mask || !*list)
    return -1;
  while (*p)
    {
      size_t len = strcspn (p, ",");
      bool found = false;

      if (len == 3 && strncmp (p, "all", 3) == 0)
        {
          m |= PRESSO_SIM_ALL_COMMANDS;
          found = true;
        }
      for (unsigned k = 0; k < sizeof types && !found; k++)
        {
          const char *name = presso_proto_msg_type_name ((presso_proto_msg_type) types[k]);
          size_t i;

          if (strlen (name) != len)
            continue;
          for (i = 0; i < len; i++)
            {
              char a = p[i] == '-' ? '_' : p[i];

              if (a >= 'a' && a <= 'z')
                a = (char) (a - 'a' + 'A');
              if (a != name[i])
                break;
            }
          if (i == len)
            {
              m |= PRESSO_SIM_COMMAND (types[k]);
              found = true;
            }
        }
      if (!found)
        return -1;
      p += len;
      if (*p == ',')
        p++;
    }
  *mask = m;
  return 0;
}

int
presso_sim_parse_nak_code (const char *spec,
                           uint8_t    *code)
{
  if (!spec || !code)
    return -1;
  for (unsigned c = PRESSO_PROTO_NAK_UNKNOWN_TYPE; c <= PRESSO_PROTO_NAK_NO_HELLO; c++)
    {
      char digit[2] = { (char) ('0' + c), '\0' };

      if (strcasecmp (spec, presso_proto_nak_name ((presso_proto_nak_code) c)) == 0
          || strcmp (spec, digit) == 0)
        {
          *code = (uint8_t) c;
          return 0;
        }
    }
  return -1;
}

presso_ctl *
presso_sim_get_controller (presso_sim *sim)
{
  return &sim->ctl;
}

presso_sim_model *
presso_sim_get_model (presso_sim *sim)
{
  return &sim->model;
}

int
presso_sim_serve_fd (presso_sim   *sim,
                     int           fd,
                     volatile int *stop)
{
  struct stat st;
  bool tty, sock;
  int flags, rc = 0;
  uint64_t real0, clock0, last_probe = 0;

  if (!sim || fd < 0)
    return -EINVAL;
  flags = fcntl (fd, F_GETFL);
  if (flags < 0 || fstat (fd, &st) < 0)
    return -errno;
  if (!(flags & O_NONBLOCK) && fcntl (fd, F_SETFL, flags | O_NONBLOCK) < 0)
    return -errno;
  tty = isatty (fd);
  sock = S_ISSOCK (st.st_mode);
  sim->host_absent = false;

  real0 = monotonic_ms ();
  clock0 = sim->clock_ms;

  while (!(stop && *stop))
    {
      struct pollfd pfd = { .fd = fd };
      uint64_t now = monotonic_ms ();
      bool io, probe = false;
      int timeout, n;

      advance_to (sim, clock0 + (now - real0));
      if (due (sim->cfg.disconnect_after_s, sim->clock_ms))
        {
          rc = -ECONNRESET;
          break;
        }

      io = !sim->stalled && !sim->host_absent;
      if (io)
        pfd.events = POLLIN | (sim->out_len ? POLLOUT : 0);
      else if (sim->host_absent && !sim->stalled && now - last_probe >= PROBE_MS)
        {
          probe = true;
          last_probe = now;
          pfd.events = POLLIN;
        }
      timeout = probe ? 0 : (int) (sim->next_tick_ms - sim->clock_ms);
      if (timeout < 0)
        timeout = 0;

      n = poll (&pfd, pfd.events ? 1 : 0, timeout);
      if (n < 0)
        {
          if (errno == EINTR)
            continue;
          rc = -errno;
          break;
        }
      if (pfd.revents & POLLNVAL)
        {
          rc = -EBADF;
          break;
        }
      if (probe)
        {
          if (!(pfd.revents & POLLHUP))
            sim->host_absent = false;   /* a host opened the port again */
          continue;
        }
      if (!io || n == 0)
        continue;

      if (pfd.revents & (POLLIN | POLLHUP | POLLERR))
        {
          uint8_t buf[READ_CHUNK];
          ssize_t r = read (fd, buf, sizeof buf);

          if (r > 0)
            feed (sim, buf, (size_t) r);
          else if (r == 0 && !tty)
            break;                      /* the peer closed */
          else if (r < 0 && errno != EAGAIN && errno != EINTR)
            {
              if (tty && errno == EIO)
                host_gone (sim, fd);
              else if (errno == ECONNRESET)
                break;
              else
                {
                  rc = -errno;
                  break;
                }
            }
          else if ((pfd.revents & POLLHUP) && tty)
            host_gone (sim, fd);
        }

      if ((pfd.revents & POLLOUT) && sim->out_len && !sim->host_absent)
        {
          ssize_t w = sock ? send (fd, sim->out + sim->out_off, sim->out_len, MSG_NOSIGNAL)
                           : write (fd, sim->out + sim->out_off, sim->out_len);

          if (w > 0)
            {
              sim->out_off += (size_t) w;
              sim->out_len -= (size_t) w;
              if (sim->out_len == 0)
                sim->out_off = 0;
            }
          else if (w < 0 && errno != EAGAIN && errno != EINTR)
            {
              if (tty && errno == EIO)
                host_gone (sim, fd);
              else if (errno == EPIPE || errno == ECONNRESET)
                break;
              else
                {
                  rc = -errno;
                  break;
                }
            }
        }
    }

  if (!(flags & O_NONBLOCK))
    fcntl (fd, F_SETFL, flags);
  return rc;
}
