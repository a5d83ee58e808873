/* presso-proto.c
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Presso wire codec.  Every body is written and read byte by byte in little-endian order
 * (never a struct memcpy), so the same bytes come out of any compiler, ABI and endianness.
 * Bodies with a chamber or outlet count carry exactly that many entries, at their end.
 */
#include "presso-proto.h"

#include <string.h>

/* Fixed parts of the bodies; variable ones add 2 bytes per chamber or 3 per outlet. */
#define HELLO_SIZE          1
#define IDENTITY_FIXED      (1 + 24 + 24 + 16 + 1 + 2 + 2 + 1)
#define OUTLET_SIZE         3
#define PROGRAM_FIXED       (1 + 1 + 4 + 4 + 1 + 2 * 6)
#define LIMITS_SIZE         2
#define ACK_ALARM_SIZE      1
#define ACK_SIZE            1
#define NAK_SIZE            2
#define TELEMETRY_FIXED     (4 + 1 + 1 + 1 + 2 + 2 + 2 + 4 + 4 + 1 + 2 + 1)
#define EVENT_SIZE          9
#define HEADER_SIZE         2   /* type, seq */
#define CRC_SIZE            2

static const uint16_t crc_table[256] = {
  0x0000, 0x1021, 0x2042, 0x3063, 0x4084, 0x50a5, 0x60c6, 0x70e7,
  0x8108, 0x9129, 0xa14a, 0xb16b, 0xc18c, 0xd1ad, 0xe1ce, 0xf1ef,
  0x1231, 0x0210, 0x3273, 0x2252, 0x52b5, 0x4294, 0x72f7, 0x62d6,
  0x9339, 0x8318, 0xb37b, 0xa35a, 0xd3bd, 0xc39c, 0xf3ff, 0xe3de,
  0x2462, 0x3443, 0x0420, 0x1401, 0x64e6, 0x74c7, 0x44a4, 0x5485,
  0xa56a, 0xb54b, 0x8528, 0x9509, 0xe5ee, 0xf5cf, 0xc5ac, 0xd58d,
  0x3653, 0x2672, 0x1611, 0x0630, 0x76d7, 0x66f6, 0x5695, 0x46b4,
  0xb75b, 0xa77a, 0x9719, 0x8738, 0xf7df, 0xe7fe, 0xd79d, 0xc7bc,
  0x48c4, 0x58e5, 0x6886, 0x78a7, 0x0840, 0x1861, 0x2802, 0x3823,
  0xc9cc, 0xd9ed, 0xe98e, 0xf9af, 0x8948, 0x9969, 0xa90a, 0xb92b,
  0x5af5, 0x4ad4, 0x7ab7, 0x6a96, 0x1a71, 0x0a50, 0x3a33, 0x2a12,
  0xdbfd, 0xcbdc, 0xfbbf, 0xeb9e, 0x9b79, 0x8b58, 0xbb3b, 0xab1a,
  0x6ca6, 0x7c87, 0x4ce4, 0x5cc5, 0x2c22, 0x3c03, 0x0c60, 0x1c41,
  0xedae, 0xfd8f, 0xcdec, 0xddcd, 0xad2a, 0xbd0b, 0x8d68, 0x9d49,
  0x7e97, 0x6eb6, 0x5ed5, 0x4ef4, 0x3e13, 0x2e32, 0x1e51, 0x0e70,
  0xff9f, 0xefbe, 0xdfdd, 0xcffc, 0xbf1b, 0xaf3a, 0x9f59, 0x8f78,
  0x9188, 0x81a9, 0xb1ca, 0xa1eb, 0xd10c, 0xc12d, 0xf14e, 0xe16f,
  0x1080, 0x00a1, 0x30c2, 0x20e3, 0x5004, 0x4025, 0x7046, 0x6067,
  0x83b9, 0x9398, 0xa3fb, 0xb3da, 0xc33d, 0xd31c, 0xe37f, 0xf35e,
  0x02b1, 0x1290, 0x22f3, 0x32d2, 0x4235, 0x5214, 0x6277, 0x7256,
  0xb5ea, 0xa5cb, 0x95a8, 0x8589, 0xf56e, 0xe54f, 0xd52c, 0xc50d,
  0x34e2, 0x24c3, 0x14a0, 0x0481, 0x7466, 0x6447, 0x5424, 0x4405,
  0xa7db, 0xb7fa, 0x8799, 0x97b8, 0xe75f, 0xf77e, 0xc71d, 0xd73c,
  0x26d3, 0x36f2, 0x0691, 0x16b0, 0x6657, 0x7676, 0x4615, 0x5634,
  0xd94c, 0xc96d, 0xf90e, 0xe92f, 0x99c8, 0x89e9, 0xb98a, 0xa9ab,
  0x5844, 0x4865, 0x7806, 0x6827, 0x18c0, 0x08e1, 0x3882, 0x28a3,
  0xcb7d, 0xdb5c, 0xeb3f, 0xfb1e, 0x8bf9, 0x9bd8, 0xabbb, 0xbb9a,
  0x4a75, 0x5a54, 0x6a37, 0x7a16, 0x0af1, 0x1ad0, 0x2ab3, 0x3a92,
  0xfd2e, 0xed0f, 0xdd6c, 0xcd4d, 0xbdaa, 0xad8b, 0x9de8, 0x8dc9,
  0x7c26, 0x6c07, 0x5c64, 0x4c45, 0x3ca2, 0x2c83, 0x1ce0, 0x0cc1,
  0xef1f, 0xff3e, 0xcf5d, 0xdf7c, 0xaf9b, 0xbfba, 0x8fd9, 0x9ff8,
  0x6e17, 0x7e36, 0x4e55, 0x5e74, 0x2e93, 0x3eb2, 0x0ed1, 0x1ef0,
};

/* A bounded little-endian writer and reader: they never step past their buffer. */
typedef struct {
  uint8_t *p;
  size_t   len;
  size_t   cap;
} writer;

typedef struct {
  const uint8_t *p;
  size_t         len;
  size_t         pos;
} reader;

static void
put_u8 (writer *w, uint8_t v)
{
  if (w->len < w->cap)
    w->p[w->len] = v;
  w->len++;                     /* counts past cap, so the caller sees the overflow */
}

static void
put_u16 (writer *w, uint16_t v)
{
  put_u8 (w, (uint8_t) (v & 0xFF));
  put_u8 (w, (uint8_t) (v >> 8));
}

static void
put_i16 (writer *w, int16_t v)
{
  put_u16 (w, (uint16_t) v);
}

static void
put_u32 (writer *w, uint32_t v)
{
  put_u8 (w, (uint8_t) (v & 0xFF));
  put_u8 (w, (uint8_t) ((v >> 8) & 0xFF));
  put_u8 (w, (uint8_t) ((v >> 16) & 0xFF));
  put_u8 (w, (uint8_t) (v >> 24));
}

/* strnlen() is POSIX, not C11: firmware toolchains may lack it. */
static size_t
text_len (const char *s, size_t field)
{
  size_t n = 0;

  while (n < field && s[n] != '\0')
    n++;
  return n;
}

static void
put_str (writer *w, const char *s, size_t field)
{
  size_t n = text_len (s, field);

  for (size_t i = 0; i < field; i++)
    put_u8 (w, i < n ? (uint8_t) s[i] : 0);
}

static uint8_t
get_u8 (reader *r)
{
  if (r->pos >= r->len)
    {
      r->pos = r->len + 1;      /* mark the short read; every later read returns 0 */
      return 0;
    }
  return r->p[r->pos++];
}

static uint16_t
get_u16 (reader *r)
{
  uint16_t lo = get_u8 (r);
  uint16_t hi = get_u8 (r);

  return (uint16_t) (lo | (hi << 8));
}

static int16_t
get_i16 (reader *r)
{
  uint16_t u = get_u16 (r);

  /* Two's complement without implementation-defined conversion. */
  return u < 0x8000 ? (int16_t) u : (int16_t) -(int32_t) (0x10000 - (uint32_t) u);
}

static uint32_t
get_u32 (reader *r)
{
  uint32_t v = get_u8 (r);

  v |= (uint32_t) get_u8 (r) << 8;
  v |= (uint32_t) get_u8 (r) << 16;
  v |= (uint32_t) get_u8 (r) << 24;
  return v;
}

/* Reads a fixed-size NUL-padded text field.  Returns false unless the field holds printable
 * ASCII up to a NUL within the field; bytes after that NUL are ignored and zeroed in dst. */
static bool
get_str (reader *r, char *dst, size_t field)
{
  bool ended = false;
  bool ok = true;

  for (size_t i = 0; i < field; i++)
    {
      uint8_t c = get_u8 (r);

      if (c == 0)
        ended = true;
      else if (!ended && (c < 0x20 || c > 0x7E))
        ok = false;
      dst[i] = ended ? '\0' : (char) c;
    }
  return ok && ended;
}

static bool
str_ok (const char *s, size_t field)
{
  size_t n = text_len (s, field);

  if (n >= field)
    return false;
  for (size_t i = 0; i < n; i++)
    if ((unsigned char) s[i] < 0x20 || (unsigned char) s[i] > 0x7E)
      return false;
  return true;
}

static uint32_t
chamber_bits (unsigned n)
{
  return n >= 32 ? 0xFFFFFFFFu : ((1u << n) - 1u);
}

static presso_proto_status
check_identity (const presso_proto_identity *id)
{
  if (id->proto_version == 0
      || !str_ok (id->model, sizeof id->model)
      || !str_ok (id->serial, sizeof id->serial)
      || !str_ok (id->firmware, sizeof id->firmware)
      || id->n_chambers == 0 || id->n_chambers > PRESSO_PROTO_MAX_CHAMBERS
      || id->n_outlets > PRESSO_PROTO_MAX_OUTLETS
      || id->ceiling_dmmhg <= 0 || id->ceiling_dmmhg > PRESSO_PROTO_MAX_TARGET_DMMHG
      || id->telemetry_hz < PRESSO_PROTO_MIN_TELEMETRY_HZ
      || id->telemetry_hz > PRESSO_PROTO_MAX_TELEMETRY_HZ)
    return PRESSO_PROTO_ERR_VALUE;

  for (unsigned i = 0; i < id->n_outlets; i++)
    {
      const presso_proto_outlet *o = &id->outlets[i];

      if (o->garment > PRESSO_PROTO_GARMENT_BELT
          || o->n_chambers == 0
          || (unsigned) o->first_chamber + o->n_chambers > id->n_chambers)
        return PRESSO_PROTO_ERR_VALUE;
    }
  return PRESSO_PROTO_OK;
}

static presso_proto_status
check_program (const presso_proto_program *p)
{
  uint32_t all;
  int last = -1;

  if (p->mode < PRESSO_PROTO_MODE_SEQUENTIAL || p->mode > PRESSO_PROTO_MODE_GRADIENT
      || p->n_chambers == 0 || p->n_chambers > PRESSO_PROTO_MAX_CHAMBERS)
    return PRESSO_PROTO_ERR_VALUE;

  all = chamber_bits (p->n_chambers);
  if (p->chamber_mask == 0 || (p->chamber_mask & ~all) != 0
      || (p->pretherapy_mask & ~p->chamber_mask) != 0
      || p->pretherapy_cycles > PRESSO_PROTO_MAX_PRETHERAPY_CYCLES
      || (p->pretherapy_mask == 0) != (p->pretherapy_cycles == 0))
    return PRESSO_PROTO_ERR_VALUE;

  if (p->inflate_ds > PRESSO_PROTO_MAX_STEP_DS || p->hold_ds > PRESSO_PROTO_MAX_STEP_DS
      || p->deflate_ds > PRESSO_PROTO_MAX_STEP_DS || p->rest_ds > PRESSO_PROTO_MAX_STEP_DS
      || (p->inflate_ds == 0 && p->hold_ds == 0 && p->deflate_ds == 0 && p->rest_ds == 0)
      || p->ramp_s > PRESSO_PROTO_MAX_RAMP_S
      || p->duration_s == 0 || p->duration_s > PRESSO_PROTO_MAX_DURATION_S)
    return PRESSO_PROTO_ERR_VALUE;

  for (unsigned i = 0; i < p->n_chambers; i++)
    {
      int16_t t = p->target_dmmhg[i];
      bool used = (p->chamber_mask >> i) & 1u;

      if (t < 0 || t > PRESSO_PROTO_MAX_TARGET_DMMHG || (used && t == 0))
        return PRESSO_PROTO_ERR_VALUE;
      if (used && p->mode == PRESSO_PROTO_MODE_GRADIENT)
        {
          /* Distal (lower index) chambers are never lower than proximal ones. */
          if (last >= 0 && t > p->target_dmmhg[last])
            return PRESSO_PROTO_ERR_VALUE;
          last = (int) i;
        }
    }
  return PRESSO_PROTO_OK;
}

static presso_proto_status
check_telemetry (const presso_proto_telemetry *t)
{
  uint32_t all;

  if (t->n_chambers == 0 || t->n_chambers > PRESSO_PROTO_MAX_CHAMBERS
      || t->state > PRESSO_PROTO_STATE_FAULT
      || t->phase > PRESSO_PROTO_PHASE_PRETHERAPY
      || (t->active_chamber != PRESSO_PROTO_NO_CHAMBER && t->active_chamber >= t->n_chambers)
      || t->compressor_pct > 100
      || (t->alarm_flags & ~PRESSO_PROTO_ALARM_FLAGS_MASK) != 0)
    return PRESSO_PROTO_ERR_VALUE;

  all = chamber_bits (t->n_chambers);
  if ((t->inlet_valves & ~all) != 0 || (t->vent_valves & ~all) != 0)
    return PRESSO_PROTO_ERR_VALUE;
  return PRESSO_PROTO_OK;
}

static presso_proto_status
check_event (const presso_proto_event *e)
{
  if (e->code < PRESSO_PROTO_EVENT_OVER_PRESSURE || e->code > PRESSO_PROTO_EVENT_LOOP_OVERRUN
      || e->priority > PRESSO_PROTO_PRIORITY_HIGH
      || (e->chamber != PRESSO_PROTO_NO_CHAMBER && e->chamber >= PRESSO_PROTO_MAX_CHAMBERS))
    return PRESSO_PROTO_ERR_VALUE;
  return PRESSO_PROTO_OK;
}

presso_proto_status
presso_proto_msg_check (const presso_proto_msg *msg)
{
  if (msg == NULL)
    return PRESSO_PROTO_ERR_VALUE;

  switch (msg->type)
    {
    case PRESSO_PROTO_MSG_HELLO:
      return msg->u.hello.proto_version == 0 ? PRESSO_PROTO_ERR_VALUE : PRESSO_PROTO_OK;
    case PRESSO_PROTO_MSG_LOAD_PROGRAM:
      return check_program (&msg->u.program);
    case PRESSO_PROTO_MSG_START:
    case PRESSO_PROTO_MSG_PAUSE:
    case PRESSO_PROTO_MSG_RESUME:
    case PRESSO_PROTO_MSG_STOP:
    case PRESSO_PROTO_MSG_VENT:
    case PRESSO_PROTO_MSG_HEARTBEAT:
      return PRESSO_PROTO_OK;
    case PRESSO_PROTO_MSG_SET_LIMITS:
      return (msg->u.limits.max_dmmhg <= 0
              || msg->u.limits.max_dmmhg > PRESSO_PROTO_MAX_TARGET_DMMHG)
        ? PRESSO_PROTO_ERR_VALUE : PRESSO_PROTO_OK;
    case PRESSO_PROTO_MSG_ACK_ALARM:
      return msg->u.ack_alarm.code > PRESSO_PROTO_EVENT_LOOP_OVERRUN
        ? PRESSO_PROTO_ERR_VALUE : PRESSO_PROTO_OK;
    case PRESSO_PROTO_MSG_IDENTITY:
      return check_identity (&msg->u.identity);
    case PRESSO_PROTO_MSG_ACK:
      return PRESSO_PROTO_OK;
    case PRESSO_PROTO_MSG_NAK:
      return (msg->u.nak.code < PRESSO_PROTO_NAK_UNKNOWN_TYPE
              || msg->u.nak.code > PRESSO_PROTO_NAK_NO_HELLO)
        ? PRESSO_PROTO_ERR_VALUE : PRESSO_PROTO_OK;
    case PRESSO_PROTO_MSG_TELEMETRY:
      return check_telemetry (&msg->u.telemetry);
    case PRESSO_PROTO_MSG_EVENT:
      return check_event (&msg->u.event);
    default:
      return PRESSO_PROTO_ERR_TYPE;
    }
}

uint16_t
presso_proto_crc16 (const uint8_t *data, size_t len)
{
  uint16_t crc = 0xFFFF;

  for (size_t i = 0; i < len; i++)
    crc = (uint16_t) ((crc << 8) ^ crc_table[((crc >> 8) ^ data[i]) & 0xFF]);
  return crc;
}

/* Writes type, seq and body (no CRC) of a valid message. */
static void
write_raw (writer *w, const presso_proto_msg *msg)
{
  put_u8 (w, msg->type);
  put_u8 (w, msg->seq);

  switch (msg->type)
    {
    case PRESSO_PROTO_MSG_HELLO:
      put_u8 (w, msg->u.hello.proto_version);
      break;

    case PRESSO_PROTO_MSG_LOAD_PROGRAM:
      {
        const presso_proto_program *p = &msg->u.program;

        put_u8 (w, p->mode);
        put_u8 (w, p->n_chambers);
        put_u32 (w, p->chamber_mask);
        put_u32 (w, p->pretherapy_mask);
        put_u8 (w, p->pretherapy_cycles);
        put_u16 (w, p->inflate_ds);
        put_u16 (w, p->hold_ds);
        put_u16 (w, p->deflate_ds);
        put_u16 (w, p->rest_ds);
        put_u16 (w, p->ramp_s);
        put_u16 (w, p->duration_s);
        for (unsigned i = 0; i < p->n_chambers; i++)
          put_i16 (w, p->target_dmmhg[i]);
      }
      break;

    case PRESSO_PROTO_MSG_SET_LIMITS:
      put_i16 (w, msg->u.limits.max_dmmhg);
      break;

    case PRESSO_PROTO_MSG_ACK_ALARM:
      put_u8 (w, msg->u.ack_alarm.code);
      break;

    case PRESSO_PROTO_MSG_IDENTITY:
      {
        const presso_proto_identity *id = &msg->u.identity;

        put_u8 (w, id->proto_version);
        put_str (w, id->model, sizeof id->model);
        put_str (w, id->serial, sizeof id->serial);
        put_str (w, id->firmware, sizeof id->firmware);
        put_u8 (w, id->n_chambers);
        put_i16 (w, id->ceiling_dmmhg);
        put_u16 (w, id->telemetry_hz);
        put_u8 (w, id->n_outlets);
        for (unsigned i = 0; i < id->n_outlets; i++)
          {
            put_u8 (w, id->outlets[i].garment);
            put_u8 (w, id->outlets[i].first_chamber);
            put_u8 (w, id->outlets[i].n_chambers);
          }
      }
      break;

    case PRESSO_PROTO_MSG_ACK:
      put_u8 (w, msg->u.ack.seq);
      break;

    case PRESSO_PROTO_MSG_NAK:
      put_u8 (w, msg->u.nak.seq);
      put_u8 (w, msg->u.nak.code);
      break;

    case PRESSO_PROTO_MSG_TELEMETRY:
      {
        const presso_proto_telemetry *t = &msg->u.telemetry;

        put_u32 (w, t->device_time_ms);
        put_u8 (w, t->state);
        put_u8 (w, t->phase);
        put_u8 (w, t->active_chamber);
        put_u16 (w, t->cycle);
        put_u16 (w, t->elapsed_s);
        put_u16 (w, t->remaining_s);
        put_u32 (w, t->inlet_valves);
        put_u32 (w, t->vent_valves);
        put_u8 (w, t->compressor_pct);
        put_u16 (w, t->alarm_flags);
        put_u8 (w, t->n_chambers);
        for (unsigned i = 0; i < t->n_chambers; i++)
          put_i16 (w, t->pressure_dmmhg[i]);
      }
      break;

    case PRESSO_PROTO_MSG_EVENT:
      put_u32 (w, msg->u.event.device_time_ms);
      put_u8 (w, msg->u.event.code);
      put_u8 (w, msg->u.event.priority);
      put_u8 (w, msg->u.event.chamber);
      put_i16 (w, msg->u.event.value_dmmhg);
      break;

    default:                    /* START, PAUSE, RESUME, STOP, VENT, HEARTBEAT: no body */
      break;
    }
}

/* COBS-encodes in[0..len) into out, appends the 0x00 delimiter.  Returns the bytes written,
 * 0 when out is too small. */
static size_t
cobs_encode (const uint8_t *in, size_t len, uint8_t *out, size_t out_size)
{
  size_t need = len + len / 254 + 2;
  size_t code_pos = 0;
  size_t w = 1;
  uint8_t code = 1;

  if (out_size < need)
    return 0;

  for (size_t i = 0; i < len; i++)
    {
      if (in[i] == 0)
        {
          out[code_pos] = code;
          code_pos = w++;
          code = 1;
          continue;
        }
      out[w++] = in[i];
      if (++code == 0xFF)
        {
          out[code_pos] = code;
          code_pos = w++;
          code = 1;
        }
    }
  out[code_pos] = code;
  out[w++] = 0x00;
  return w;
}

size_t
presso_proto_encode (const presso_proto_msg *msg,
                     uint8_t                *out,
                     size_t                  out_size)
{
  uint8_t raw[PRESSO_PROTO_MAX_RAW];
  writer w = { raw, 0, sizeof raw - CRC_SIZE };
  uint16_t crc;

  if (msg == NULL || out == NULL || presso_proto_msg_check (msg) != PRESSO_PROTO_OK)
    return 0;

  write_raw (&w, msg);
  if (w.len > w.cap)
    return 0;
  crc = presso_proto_crc16 (raw, w.len);
  w.cap = sizeof raw;
  put_u16 (&w, crc);

  return cobs_encode (raw, w.len, out, out_size);
}

/* Decodes a COBS frame (delimiter removed) in place.  Returns the decoded length, or
 * (size_t) -1 when the encoding is malformed. */
static size_t
cobs_decode_in_place (uint8_t *buf, size_t len)
{
  size_t r = 0;
  size_t w = 0;

  while (r < len)
    {
      uint8_t code = buf[r++];
      size_t n = (size_t) code - 1;

      if (code == 0 || n > len - r)
        return (size_t) -1;
      memmove (buf + w, buf + r, n);
      w += n;
      r += n;
      if (code != 0xFF && r < len)
        buf[w++] = 0;
    }
  return w;
}

static presso_proto_status
read_body (reader *r, presso_proto_msg *out)
{
  size_t body = r->len;

  switch (out->type)
    {
    case PRESSO_PROTO_MSG_HELLO:
      if (body != HELLO_SIZE)
        return PRESSO_PROTO_ERR_LENGTH;
      out->u.hello.proto_version = get_u8 (r);
      break;

    case PRESSO_PROTO_MSG_LOAD_PROGRAM:
      {
        presso_proto_program *p = &out->u.program;

        if (body < PROGRAM_FIXED)
          return PRESSO_PROTO_ERR_LENGTH;
        memset (p, 0, sizeof *p);
        p->mode = get_u8 (r);
        p->n_chambers = get_u8 (r);
        p->chamber_mask = get_u32 (r);
        p->pretherapy_mask = get_u32 (r);
        p->pretherapy_cycles = get_u8 (r);
        p->inflate_ds = get_u16 (r);
        p->hold_ds = get_u16 (r);
        p->deflate_ds = get_u16 (r);
        p->rest_ds = get_u16 (r);
        p->ramp_s = get_u16 (r);
        p->duration_s = get_u16 (r);
        if (body != PROGRAM_FIXED + 2u * p->n_chambers)
          return PRESSO_PROTO_ERR_LENGTH;
        if (p->n_chambers > PRESSO_PROTO_MAX_CHAMBERS)
          return PRESSO_PROTO_ERR_VALUE;
        for (unsigned i = 0; i < p->n_chambers; i++)
          p->target_dmmhg[i] = get_i16 (r);
      }
      break;

    case PRESSO_PROTO_MSG_START:
    case PRESSO_PROTO_MSG_PAUSE:
    case PRESSO_PROTO_MSG_RESUME:
    case PRESSO_PROTO_MSG_STOP:
    case PRESSO_PROTO_MSG_VENT:
    case PRESSO_PROTO_MSG_HEARTBEAT:
      if (body != 0)
        return PRESSO_PROTO_ERR_LENGTH;
      break;

    case PRESSO_PROTO_MSG_SET_LIMITS:
      if (body != LIMITS_SIZE)
        return PRESSO_PROTO_ERR_LENGTH;
      out->u.limits.max_dmmhg = get_i16 (r);
      break;

    case PRESSO_PROTO_MSG_ACK_ALARM:
      if (body != ACK_ALARM_SIZE)
        return PRESSO_PROTO_ERR_LENGTH;
      out->u.ack_alarm.code = get_u8 (r);
      break;

    case PRESSO_PROTO_MSG_IDENTITY:
      {
        presso_proto_identity *id = &out->u.identity;
        bool text_ok = true;

        if (body < IDENTITY_FIXED)
          return PRESSO_PROTO_ERR_LENGTH;
        memset (id, 0, sizeof *id);
        id->proto_version = get_u8 (r);
        text_ok &= get_str (r, id->model, sizeof id->model);
        text_ok &= get_str (r, id->serial, sizeof id->serial);
        text_ok &= get_str (r, id->firmware, sizeof id->firmware);
        id->n_chambers = get_u8 (r);
        id->ceiling_dmmhg = get_i16 (r);
        id->telemetry_hz = get_u16 (r);
        id->n_outlets = get_u8 (r);
        if (body != IDENTITY_FIXED + (size_t) OUTLET_SIZE * id->n_outlets)
          return PRESSO_PROTO_ERR_LENGTH;
        if (!text_ok || id->n_outlets > PRESSO_PROTO_MAX_OUTLETS)
          return PRESSO_PROTO_ERR_VALUE;
        for (unsigned i = 0; i < id->n_outlets; i++)
          {
            id->outlets[i].garment = get_u8 (r);
            id->outlets[i].first_chamber = get_u8 (r);
            id->outlets[i].n_chambers = get_u8 (r);
          }
      }
      break;

    case PRESSO_PROTO_MSG_ACK:
      if (body != ACK_SIZE)
        return PRESSO_PROTO_ERR_LENGTH;
      out->u.ack.seq = get_u8 (r);
      break;

    case PRESSO_PROTO_MSG_NAK:
      if (body != NAK_SIZE)
        return PRESSO_PROTO_ERR_LENGTH;
      out->u.nak.seq = get_u8 (r);
      out->u.nak.code = get_u8 (r);
      break;

    case PRESSO_PROTO_MSG_TELEMETRY:
      {
        presso_proto_telemetry *t = &out->u.telemetry;

        if (body < TELEMETRY_FIXED)
          return PRESSO_PROTO_ERR_LENGTH;
        t->device_time_ms = get_u32 (r);
        t->state = get_u8 (r);
        t->phase = get_u8 (r);
        t->active_chamber = get_u8 (r);
        t->cycle = get_u16 (r);
        t->elapsed_s = get_u16 (r);
        t->remaining_s = get_u16 (r);
        t->inlet_valves = get_u32 (r);
        t->vent_valves = get_u32 (r);
        t->compressor_pct = get_u8 (r);
        t->alarm_flags = get_u16 (r);
        t->n_chambers = get_u8 (r);
        if (body != TELEMETRY_FIXED + 2u * t->n_chambers)
          return PRESSO_PROTO_ERR_LENGTH;
        if (t->n_chambers > PRESSO_PROTO_MAX_CHAMBERS)
          return PRESSO_PROTO_ERR_VALUE;
        for (unsigned i = 0; i < t->n_chambers; i++)
          t->pressure_dmmhg[i] = get_i16 (r);
        /* Entries past n_chambers are not on the wire: zero, never stale. */
        for (unsigned i = t->n_chambers; i < PRESSO_PROTO_MAX_CHAMBERS; i++)
          t->pressure_dmmhg[i] = 0;
      }
      break;

    case PRESSO_PROTO_MSG_EVENT:
      if (body != EVENT_SIZE)
        return PRESSO_PROTO_ERR_LENGTH;
      out->u.event.device_time_ms = get_u32 (r);
      out->u.event.code = get_u8 (r);
      out->u.event.priority = get_u8 (r);
      out->u.event.chamber = get_u8 (r);
      out->u.event.value_dmmhg = get_i16 (r);
      break;

    default:
      return PRESSO_PROTO_ERR_TYPE;
    }

  /* Every length was checked first: a short read here is a bug, never a crash. */
  if (r->pos != r->len)
    return PRESSO_PROTO_ERR_LENGTH;
  return presso_proto_msg_check (out);
}

/* Turns one complete encoded frame (delimiter removed) into a message. */
static presso_proto_status
decode_frame (uint8_t *buf, size_t len, presso_proto_msg *out)
{
  size_t raw_len = cobs_decode_in_place (buf, len);
  uint16_t crc;
  reader r;

  if (raw_len == (size_t) -1)
    return PRESSO_PROTO_ERR_COBS;
  /* Shorter than type + seq + CRC: nothing in it can be trusted, an integrity failure. */
  if (raw_len < HEADER_SIZE + CRC_SIZE)
    return PRESSO_PROTO_ERR_CRC;
  if (raw_len > PRESSO_PROTO_MAX_RAW)
    return PRESSO_PROTO_ERR_OVERFLOW;

  crc = (uint16_t) (buf[raw_len - 2] | (buf[raw_len - 1] << 8));
  if (presso_proto_crc16 (buf, raw_len - CRC_SIZE) != crc)
    return PRESSO_PROTO_ERR_CRC;

  out->type = buf[0];
  out->seq = buf[1];
  r.p = buf + HEADER_SIZE;
  r.len = raw_len - HEADER_SIZE - CRC_SIZE;
  r.pos = 0;
  return read_body (&r, out);
}

void
presso_proto_decoder_init (presso_proto_decoder *dec)
{
  if (dec == NULL)
    return;
  memset (dec, 0, sizeof *dec);
}

size_t
presso_proto_decoder_feed (presso_proto_decoder *dec,
                           const uint8_t        *data,
                           size_t                len,
                           presso_proto_msg     *out,
                           presso_proto_status  *status)
{
  size_t i = 0;

  if (status != NULL)
    *status = PRESSO_PROTO_NEED_MORE;
  if (dec == NULL || out == NULL || status == NULL || (data == NULL && len > 0))
    return len;

  while (i < len)
    {
      const uint8_t *start = data + i;
      const uint8_t *zero = NULL;
      size_t n;
      presso_proto_status st;

      /* A few bytes at a time (a UART interrupt, a slow read): a plain loop beats the calls. */
      if (len - i <= 16)
        {
          for (size_t k = 0; k < len - i; k++)
            if (start[k] == 0x00)
              {
                zero = start + k;
                break;
              }
        }
      else
        zero = memchr (start, 0x00, len - i);
      n = zero != NULL ? (size_t) (zero - start) : len - i;

      if (!dec->overflow)
        {
          if (n > sizeof dec->buf - dec->len)
            {
              dec->overflow = true;
              dec->len = 0;
            }
          else if (n == 1)
            dec->buf[dec->len++] = *start;
          else
            {
              memcpy (dec->buf + dec->len, start, n);
              dec->len += n;
            }
        }
      i += n;

      if (zero == NULL)
        return len;             /* NEED_MORE: the frame goes on in the next chunk */

      i++;                      /* the delimiter */
      if (dec->overflow)
        {
          dec->overflow = false;
          dec->len = 0;
          dec->frames_bad++;
          *status = PRESSO_PROTO_ERR_OVERFLOW;
          return i;
        }
      if (dec->len == 0)
        continue;               /* empty frame: a sender flushing the line */

      st = decode_frame (dec->buf, dec->len, out);
      dec->len = 0;
      if (st == PRESSO_PROTO_OK)
        dec->frames_ok++;
      else
        dec->frames_bad++;
      *status = st;
      return i;
    }
  return len;
}

presso_proto_nak_code
presso_proto_nak_for_status (presso_proto_status status)
{
  switch (status)
    {
    case PRESSO_PROTO_ERR_TYPE:   return PRESSO_PROTO_NAK_UNKNOWN_TYPE;
    case PRESSO_PROTO_ERR_LENGTH: return PRESSO_PROTO_NAK_BAD_LENGTH;
    case PRESSO_PROTO_ERR_VALUE:  return PRESSO_PROTO_NAK_BAD_VALUE;
    default:                      return (presso_proto_nak_code) 0;
    }
}

presso_proto_priority
presso_proto_event_priority (presso_proto_event_code code)
{
  switch (code)
    {
    case PRESSO_PROTO_EVENT_OVER_PRESSURE:    return PRESSO_PROTO_PRIORITY_HIGH;
    case PRESSO_PROTO_EVENT_UNDER_PRESSURE:   return PRESSO_PROTO_PRIORITY_MEDIUM;
    case PRESSO_PROTO_EVENT_LEAK:             return PRESSO_PROTO_PRIORITY_MEDIUM;
    case PRESSO_PROTO_EVENT_GARMENT_MISSING:  return PRESSO_PROTO_PRIORITY_MEDIUM;
    case PRESSO_PROTO_EVENT_SENSOR_FAULT:     return PRESSO_PROTO_PRIORITY_HIGH;
    case PRESSO_PROTO_EVENT_WATCHDOG_VENT:    return PRESSO_PROTO_PRIORITY_HIGH;
    case PRESSO_PROTO_EVENT_PROGRAM_FINISHED: return PRESSO_PROTO_PRIORITY_INFO;
    case PRESSO_PROTO_EVENT_DEVICE_RESET:     return PRESSO_PROTO_PRIORITY_MEDIUM;
    case PRESSO_PROTO_EVENT_EMERGENCY_VENT:   return PRESSO_PROTO_PRIORITY_HIGH;
    case PRESSO_PROTO_EVENT_CEILING_CLAMPED:  return PRESSO_PROTO_PRIORITY_LOW;
    case PRESSO_PROTO_EVENT_LOOP_OVERRUN:     return PRESSO_PROTO_PRIORITY_HIGH;
    default:                                  return PRESSO_PROTO_PRIORITY_INFO;
    }
}

const char *
presso_proto_status_name (presso_proto_status status)
{
  switch (status)
    {
    case PRESSO_PROTO_NEED_MORE:    return "need-more";
    case PRESSO_PROTO_OK:           return "ok";
    case PRESSO_PROTO_ERR_COBS:     return "bad-cobs";
    case PRESSO_PROTO_ERR_CRC:      return "bad-crc";
    case PRESSO_PROTO_ERR_LENGTH:   return "bad-length";
    case PRESSO_PROTO_ERR_TYPE:     return "unknown-type";
    case PRESSO_PROTO_ERR_OVERFLOW: return "overflow";
    case PRESSO_PROTO_ERR_VALUE:    return "bad-value";
    default:                        return "unknown";
    }
}

const char *
presso_proto_msg_type_name (presso_proto_msg_type type)
{
  switch (type)
    {
    case PRESSO_PROTO_MSG_HELLO:        return "HELLO";
    case PRESSO_PROTO_MSG_LOAD_PROGRAM: return "LOAD_PROGRAM";
    case PRESSO_PROTO_MSG_START:        return "START";
    case PRESSO_PROTO_MSG_PAUSE:        return "PAUSE";
    case PRESSO_PROTO_MSG_RESUME:       return "RESUME";
    case PRESSO_PROTO_MSG_STOP:         return "STOP";
    case PRESSO_PROTO_MSG_VENT:         return "VENT";
    case PRESSO_PROTO_MSG_HEARTBEAT:    return "HEARTBEAT";
    case PRESSO_PROTO_MSG_SET_LIMITS:   return "SET_LIMITS";
    case PRESSO_PROTO_MSG_ACK_ALARM:    return "ACK_ALARM";
    case PRESSO_PROTO_MSG_IDENTITY:     return "IDENTITY";
    case PRESSO_PROTO_MSG_ACK:          return "ACK";
    case PRESSO_PROTO_MSG_NAK:          return "NAK";
    case PRESSO_PROTO_MSG_TELEMETRY:    return "TELEMETRY";
    case PRESSO_PROTO_MSG_EVENT:        return "EVENT";
    default:                            return "unknown";
    }
}

const char *
presso_proto_state_name (presso_proto_state state)
{
  switch (state)
    {
    case PRESSO_PROTO_STATE_IDLE:     return "idle";
    case PRESSO_PROTO_STATE_READY:    return "ready";
    case PRESSO_PROTO_STATE_RUNNING:  return "running";
    case PRESSO_PROTO_STATE_PAUSED:   return "paused";
    case PRESSO_PROTO_STATE_STOPPING: return "stopping";
    case PRESSO_PROTO_STATE_VENTING:  return "venting";
    case PRESSO_PROTO_STATE_FAULT:    return "fault";
    default:                          return "unknown";
    }
}

const char *
presso_proto_phase_name (presso_proto_phase phase)
{
  switch (phase)
    {
    case PRESSO_PROTO_PHASE_NONE:       return "none";
    case PRESSO_PROTO_PHASE_INFLATE:    return "inflate";
    case PRESSO_PROTO_PHASE_HOLD:       return "hold";
    case PRESSO_PROTO_PHASE_DEFLATE:    return "deflate";
    case PRESSO_PROTO_PHASE_REST:       return "rest";
    case PRESSO_PROTO_PHASE_PRETHERAPY: return "pretherapy";
    default:                            return "unknown";
    }
}

const char *
presso_proto_event_name (presso_proto_event_code code)
{
  switch (code)
    {
    case PRESSO_PROTO_EVENT_OVER_PRESSURE:    return "over-pressure";
    case PRESSO_PROTO_EVENT_UNDER_PRESSURE:   return "under-pressure";
    case PRESSO_PROTO_EVENT_LEAK:             return "leak";
    case PRESSO_PROTO_EVENT_GARMENT_MISSING:  return "garment-missing";
    case PRESSO_PROTO_EVENT_SENSOR_FAULT:     return "sensor-fault";
    case PRESSO_PROTO_EVENT_WATCHDOG_VENT:    return "watchdog-vent";
    case PRESSO_PROTO_EVENT_PROGRAM_FINISHED: return "program-finished";
    case PRESSO_PROTO_EVENT_DEVICE_RESET:     return "device-reset";
    case PRESSO_PROTO_EVENT_EMERGENCY_VENT:   return "emergency-vent";
    case PRESSO_PROTO_EVENT_CEILING_CLAMPED:  return "ceiling-clamped";
    case PRESSO_PROTO_EVENT_LOOP_OVERRUN:     return "loop-overrun";
    default:                                  return "unknown";
    }
}

const char *
presso_proto_garment_name (presso_proto_garment garment)
{
  switch (garment)
    {
    case PRESSO_PROTO_GARMENT_NONE:         return "none";
    case PRESSO_PROTO_GARMENT_BOOT_LEFT:    return "boot-left";
    case PRESSO_PROTO_GARMENT_BOOT_RIGHT:   return "boot-right";
    case PRESSO_PROTO_GARMENT_SLEEVE_LEFT:  return "sleeve-left";
    case PRESSO_PROTO_GARMENT_SLEEVE_RIGHT: return "sleeve-right";
    case PRESSO_PROTO_GARMENT_BELT:         return "belt";
    default:                                return "unknown";
    }
}

const char *
presso_proto_nak_name (presso_proto_nak_code code)
{
  switch (code)
    {
    case PRESSO_PROTO_NAK_UNKNOWN_TYPE: return "unknown-type";
    case PRESSO_PROTO_NAK_BAD_LENGTH:   return "bad-length";
    case PRESSO_PROTO_NAK_BAD_STATE:    return "bad-state";
    case PRESSO_PROTO_NAK_BAD_VALUE:    return "bad-value";
    case PRESSO_PROTO_NAK_VERSION:      return "version";
    case PRESSO_PROTO_NAK_NO_HELLO:     return "no-hello";
    default:                            return "unknown";
    }
}

const char *
presso_proto_mode_name (presso_proto_mode mode)
{
  switch (mode)
    {
    case PRESSO_PROTO_MODE_SEQUENTIAL: return "sequential";
    case PRESSO_PROTO_MODE_CONTINUOUS: return "continuous";
    case PRESSO_PROTO_MODE_WAVE:       return "wave";
    case PRESSO_PROTO_MODE_GRADIENT:   return "gradient";
    default:                           return "unknown";
    }
}

const char *
presso_proto_priority_name (presso_proto_priority priority)
{
  switch (priority)
    {
    case PRESSO_PROTO_PRIORITY_INFO:   return "info";
    case PRESSO_PROTO_PRIORITY_LOW:    return "low";
    case PRESSO_PROTO_PRIORITY_MEDIUM: return "medium";
    case PRESSO_PROTO_PRIORITY_HIGH:   return "high";
    default:                           return "unknown";
    }
}

bool
presso_proto_msg_equal (const presso_proto_msg *a,
                        const presso_proto_msg *b)
{
  if (a == NULL || b == NULL)
    return a == b;
  if (a->type != b->type || a->seq != b->seq)
    return false;

  switch (a->type)
    {
    case PRESSO_PROTO_MSG_HELLO:
      return a->u.hello.proto_version == b->u.hello.proto_version;

    case PRESSO_PROTO_MSG_LOAD_PROGRAM:
      {
        const presso_proto_program *p = &a->u.program, *q = &b->u.program;

        if (p->mode != q->mode || p->n_chambers != q->n_chambers
            || p->chamber_mask != q->chamber_mask || p->pretherapy_mask != q->pretherapy_mask
            || p->pretherapy_cycles != q->pretherapy_cycles
            || p->inflate_ds != q->inflate_ds || p->hold_ds != q->hold_ds
            || p->deflate_ds != q->deflate_ds || p->rest_ds != q->rest_ds
            || p->ramp_s != q->ramp_s || p->duration_s != q->duration_s
            || p->n_chambers > PRESSO_PROTO_MAX_CHAMBERS)
          return false;
        for (unsigned i = 0; i < p->n_chambers; i++)
          if (p->target_dmmhg[i] != q->target_dmmhg[i])
            return false;
        return true;
      }

    case PRESSO_PROTO_MSG_SET_LIMITS:
      return a->u.limits.max_dmmhg == b->u.limits.max_dmmhg;

    case PRESSO_PROTO_MSG_ACK_ALARM:
      return a->u.ack_alarm.code == b->u.ack_alarm.code;

    case PRESSO_PROTO_MSG_IDENTITY:
      {
        const presso_proto_identity *p = &a->u.identity, *q = &b->u.identity;

        if (p->proto_version != q->proto_version
            || strncmp (p->model, q->model, sizeof p->model) != 0
            || strncmp (p->serial, q->serial, sizeof p->serial) != 0
            || strncmp (p->firmware, q->firmware, sizeof p->firmware) != 0
            || p->n_chambers != q->n_chambers || p->n_outlets != q->n_outlets
            || p->ceiling_dmmhg != q->ceiling_dmmhg || p->telemetry_hz != q->telemetry_hz
            || p->n_outlets > PRESSO_PROTO_MAX_OUTLETS)
          return false;
        for (unsigned i = 0; i < p->n_outlets; i++)
          if (p->outlets[i].garment != q->outlets[i].garment
              || p->outlets[i].first_chamber != q->outlets[i].first_chamber
              || p->outlets[i].n_chambers != q->outlets[i].n_chambers)
            return false;
        return true;
      }

    case PRESSO_PROTO_MSG_ACK:
      return a->u.ack.seq == b->u.ack.seq;

    case PRESSO_PROTO_MSG_NAK:
      return a->u.nak.seq == b->u.nak.seq && a->u.nak.code == b->u.nak.code;

    case PRESSO_PROTO_MSG_TELEMETRY:
      {
        const presso_proto_telemetry *p = &a->u.telemetry, *q = &b->u.telemetry;

        if (p->device_time_ms != q->device_time_ms || p->state != q->state
            || p->phase != q->phase || p->active_chamber != q->active_chamber
            || p->n_chambers != q->n_chambers || p->cycle != q->cycle
            || p->elapsed_s != q->elapsed_s || p->remaining_s != q->remaining_s
            || p->inlet_valves != q->inlet_valves || p->vent_valves != q->vent_valves
            || p->compressor_pct != q->compressor_pct || p->alarm_flags != q->alarm_flags
            || p->n_chambers > PRESSO_PROTO_MAX_CHAMBERS)
          return false;
        for (unsigned i = 0; i < p->n_chambers; i++)
          if (p->pressure_dmmhg[i] != q->pressure_dmmhg[i])
            return false;
        return true;
      }

    case PRESSO_PROTO_MSG_EVENT:
      return a->u.event.device_time_ms == b->u.event.device_time_ms
        && a->u.event.code == b->u.event.code
        && a->u.event.priority == b->u.event.priority
        && a->u.event.chamber == b->u.event.chamber
        && a->u.event.value_dmmhg == b->u.event.value_dmmhg;

    default:                    /* bodiless commands, or unknown types compared by header */
      return true;
    }
}
