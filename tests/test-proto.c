/* test-proto.c
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The wire codec: CRC, framing, every message type both ways, every kind of bad frame, and
 * recovery of the next good frame after garbage.  Frames for the error cases are built here by
 * an independent COBS encoder, so the codec is checked against more than itself.
 */
#include <glib.h>
#include <string.h>

#include "presso-proto.h"

static const uint8_t all_types[] = {
  PRESSO_PROTO_MSG_HELLO, PRESSO_PROTO_MSG_LOAD_PROGRAM, PRESSO_PROTO_MSG_START,
  PRESSO_PROTO_MSG_PAUSE, PRESSO_PROTO_MSG_RESUME, PRESSO_PROTO_MSG_STOP,
  PRESSO_PROTO_MSG_VENT, PRESSO_PROTO_MSG_HEARTBEAT, PRESSO_PROTO_MSG_SET_LIMITS,
  PRESSO_PROTO_MSG_ACK_ALARM, PRESSO_PROTO_MSG_IDENTITY, PRESSO_PROTO_MSG_ACK,
  PRESSO_PROTO_MSG_NAK, PRESSO_PROTO_MSG_TELEMETRY, PRESSO_PROTO_MSG_EVENT,
};

/* A realistic message of each type, with negative values, zero bytes and full masks so that
 * sign handling, byte order and COBS all get exercised. */
static presso_proto_msg
sample_msg (uint8_t type)
{
  presso_proto_msg m;

  memset (&m, 0, sizeof m);
  m.type = type;
  m.seq = (uint8_t) (0x40 + type);

  switch (type)
    {
    case PRESSO_PROTO_MSG_HELLO:
      m.u.hello.proto_version = PRESSO_PROTO_VERSION;
      break;
    case PRESSO_PROTO_MSG_LOAD_PROGRAM:
      m.u.program.mode = PRESSO_PROTO_MODE_GRADIENT;
      m.u.program.n_chambers = 32;
      m.u.program.chamber_mask = 0xFFFFFFFEu;          /* zone skip on chamber 0 */
      m.u.program.pretherapy_mask = 0xC0000000u;
      m.u.program.pretherapy_cycles = 2;
      for (int i = 0; i < 32; i++)
        m.u.program.target_dmmhg[i] = (int16_t) (1200 - 20 * i);
      m.u.program.inflate_ds = 50;
      m.u.program.hold_ds = 1200;
      m.u.program.deflate_ds = 30;
      m.u.program.rest_ds = 0;
      m.u.program.ramp_s = 60;
      m.u.program.duration_s = 7200;
      break;
    case PRESSO_PROTO_MSG_SET_LIMITS:
      m.u.limits.max_dmmhg = 800;
      break;
    case PRESSO_PROTO_MSG_ACK_ALARM:
      m.u.ack_alarm.code = PRESSO_PROTO_EVENT_LEAK;
      break;
    case PRESSO_PROTO_MSG_IDENTITY:
      m.u.identity.proto_version = PRESSO_PROTO_VERSION;
      strcpy (m.u.identity.model, "Presso Lymph 12 Pro Max");   /* 23 chars: the longest */
      strcpy (m.u.identity.serial, "PX-000123");
      strcpy (m.u.identity.firmware, "1.4.2");
      m.u.identity.n_chambers = 32;
      m.u.identity.n_outlets = 8;
      for (int i = 0; i < 8; i++)
        {
          m.u.identity.outlets[i].garment = (uint8_t) (i % 6);
          m.u.identity.outlets[i].first_chamber = (uint8_t) (4 * i);
          m.u.identity.outlets[i].n_chambers = 4;
        }
      m.u.identity.ceiling_dmmhg = 1500;
      m.u.identity.telemetry_hz = 100;
      break;
    case PRESSO_PROTO_MSG_ACK:
      m.u.ack.seq = 0xFF;
      break;
    case PRESSO_PROTO_MSG_NAK:
      m.u.nak.seq = 0x00;
      m.u.nak.code = PRESSO_PROTO_NAK_BAD_STATE;
      break;
    case PRESSO_PROTO_MSG_TELEMETRY:
      m.u.telemetry.device_time_ms = 0x89ABCDEFu;
      m.u.telemetry.state = PRESSO_PROTO_STATE_RUNNING;
      m.u.telemetry.phase = PRESSO_PROTO_PHASE_HOLD;
      m.u.telemetry.active_chamber = 31;
      m.u.telemetry.n_chambers = 32;
      m.u.telemetry.cycle = 513;
      m.u.telemetry.elapsed_s = 1000;
      m.u.telemetry.remaining_s = 65535;
      m.u.telemetry.inlet_valves = 0x80000001u;
      m.u.telemetry.vent_valves = 0x7FFFFFFEu;
      m.u.telemetry.compressor_pct = 100;
      m.u.telemetry.alarm_flags = PRESSO_PROTO_ALARM_FLAGS_MASK;
      for (int i = 0; i < 32; i++)
        m.u.telemetry.pressure_dmmhg[i] = (int16_t) (i * 97 - 300);
      break;
    case PRESSO_PROTO_MSG_EVENT:
      m.u.event.device_time_ms = 1000;
      m.u.event.code = PRESSO_PROTO_EVENT_OVER_PRESSURE;
      m.u.event.priority = PRESSO_PROTO_PRIORITY_HIGH;
      m.u.event.chamber = 3;
      m.u.event.value_dmmhg = -32768;
      break;
    default:
      break;
    }
  return m;
}

/* Independent reference: raw frame → CRC → COBS → delimiter, for hand-made (bad) frames. */
static gsize
frame_raw (const uint8_t *raw, gsize len, gboolean add_crc, uint8_t *out)
{
  uint8_t tmp[512];
  gsize n = len, w = 1, code_pos = 0;
  uint8_t code = 1;

  g_assert_cmpuint (len + 2, <=, sizeof tmp);
  memcpy (tmp, raw, len);
  if (add_crc)
    {
      uint16_t crc = presso_proto_crc16 (raw, len);
      tmp[n++] = crc & 0xFF;
      tmp[n++] = crc >> 8;
    }
  for (gsize i = 0; i < n; i++)
    {
      if (tmp[i] == 0)
        {
          out[code_pos] = code;
          code_pos = w++;
          code = 1;
          continue;
        }
      out[w++] = tmp[i];
      if (++code == 0xFF)
        {
          out[code_pos] = code;
          code_pos = w++;
          code = 1;
        }
    }
  out[code_pos] = code;
  out[w++] = 0;
  return w;
}

/* Feeds data in chunks of chunk bytes (0: all at once) and collects every outcome. */
typedef struct {
  presso_proto_status status[64];
  presso_proto_msg    msg[64];
  guint               n;
} outcomes;

static void
feed_all (presso_proto_decoder *dec, const uint8_t *data, gsize len, gsize chunk, outcomes *o)
{
  gsize pos = 0;

  while (pos < len)
    {
      gsize n = chunk == 0 ? len - pos : MIN (chunk, len - pos);
      const uint8_t *p = data + pos;

      pos += n;
      while (n > 0)
        {
          presso_proto_msg m;
          presso_proto_status st;
          gsize used = presso_proto_decoder_feed (dec, p, n, &m, &st);

          g_assert_cmpuint (used, >, 0);
          g_assert_cmpuint (used, <=, n);
          p += used;
          n -= used;
          if (st == PRESSO_PROTO_NEED_MORE)
            {
              g_assert_cmpuint (n, ==, 0);
              continue;
            }
          g_assert_cmpuint (o->n, <, G_N_ELEMENTS (o->status));
          o->status[o->n] = st;
          o->msg[o->n] = m;
          o->n++;
        }
    }
}

/* The example frames of hw/protocol/PROTOCOL.md, section 8, in its order: the spec and the
 * codec must agree byte for byte.  vector_msg (i) builds the message of vectors[i]. */
typedef struct {
  const char *name;
  const char *raw;      /* type | seq | body | crc-le */
  const char *wire;     /* COBS + 0x00 */
} vector;

static const vector vectors[] = {
  { "HELLO",
      "01 01 01 bc d8",
      "06 01 01 01 bc d8 00" },
  { "IDENTITY",
      "81 00 01 50 72 65 73 73 6f 20 4c 79 6d 70 68 20 "
      "31 32 00 00 00 00 00 00 00 00 00 50 4c 31 32 2d "
      "30 30 30 30 34 32 00 00 00 00 00 00 00 00 00 00 "
      "00 00 00 31 2e 30 2e 30 00 00 00 00 00 00 00 00 "
      "00 00 00 0c dc 05 64 00 02 01 00 06 02 06 06 e3 "
      "d8",
      "02 81 11 01 50 72 65 73 73 6f 20 4c 79 6d 70 68 "
      "20 31 32 01 01 01 01 01 01 01 01 0c 50 4c 31 32 "
      "2d 30 30 30 30 34 32 01 01 01 01 01 01 01 01 01 "
      "01 01 01 06 31 2e 30 2e 30 01 01 01 01 01 01 01 "
      "01 01 01 05 0c dc 05 64 03 02 01 07 06 02 06 06 "
      "e3 d8 00" },
  { "SET_LIMITS",
      "17 02 20 03 af 96",
      "07 17 02 20 03 af 96 00" },
  { "ACK",
      "82 01 02 d5 8a",
      "06 82 01 02 d5 8a 00" },
  { "LOAD_PROGRAM",
      "10 03 01 06 3f 00 00 00 00 00 00 00 00 1e 00 32 "
      "00 14 00 64 00 3c 00 08 07 58 02 44 02 30 02 1c "
      "02 08 02 f4 01 80 e0",
      "06 10 03 01 06 3f 01 01 01 01 01 01 01 02 1e 02 "
      "32 02 14 02 64 02 3c 11 08 07 58 02 44 02 30 02 "
      "1c 02 08 02 f4 01 80 e0 00" },
  { "START",
      "11 04 c9 6d",
      "05 11 04 c9 6d 00" },
  { "NAK",
      "83 02 04 03 e3 50",
      "07 83 02 04 03 e3 50 00" },
  { "PAUSE",
      "12 05 bb 28",
      "05 12 05 bb 28 00" },
  { "RESUME",
      "13 06 e9 2b",
      "05 13 06 e9 2b 00" },
  { "HEARTBEAT",
      "16 07 3d c4",
      "05 16 07 3d c4 00" },
  { "STOP",
      "14 08 b0 53",
      "05 14 08 b0 53 00" },
  { "VENT",
      "15 09 a0 70",
      "05 15 09 a0 70 00" },
  { "ACK_ALARM",
      "18 0a 06 53 a9",
      "06 18 0a 06 53 a9 00" },
  { "TELEMETRY",
      "84 35 91 82 0b 00 02 01 01 03 00 f5 00 13 06 82 "
      "00 00 00 3c 0f 00 00 40 00 00 0c 56 02 91 01 0c "
      "00 fd ff 00 00 00 00 5a 02 7c 01 0f 00 00 00 02 "
      "00 01 00 28 ed",
      "06 84 35 91 82 0b 05 02 01 01 03 02 f5 04 13 06 "
      "82 01 01 03 3c 0f 01 02 40 01 07 0c 56 02 91 01 "
      "0c 03 fd ff 01 01 01 06 5a 02 7c 01 0f 01 01 02 "
      "02 02 01 03 28 ed 00" },
  { "EVENT",
      "85 36 9a 82 0b 00 01 03 02 db 02 21 86",
      "06 85 36 9a 82 0b 08 01 03 02 db 02 21 86 00" },
};

static presso_proto_msg
vector_msg (int i)
{
  static const int16_t pressures[12] = { 598, 401, 12, -3, 0, 0, 602, 380, 15, 0, 2, 1 };
  static const struct { uint8_t type, seq; } header[] = {
    { PRESSO_PROTO_MSG_HELLO, 1 }, { PRESSO_PROTO_MSG_IDENTITY, 0 },
    { PRESSO_PROTO_MSG_SET_LIMITS, 2 }, { PRESSO_PROTO_MSG_ACK, 1 },
    { PRESSO_PROTO_MSG_LOAD_PROGRAM, 3 }, { PRESSO_PROTO_MSG_START, 4 },
    { PRESSO_PROTO_MSG_NAK, 2 }, { PRESSO_PROTO_MSG_PAUSE, 5 },
    { PRESSO_PROTO_MSG_RESUME, 6 }, { PRESSO_PROTO_MSG_HEARTBEAT, 7 },
    { PRESSO_PROTO_MSG_STOP, 8 }, { PRESSO_PROTO_MSG_VENT, 9 },
    { PRESSO_PROTO_MSG_ACK_ALARM, 10 }, { PRESSO_PROTO_MSG_TELEMETRY, 0x35 },
    { PRESSO_PROTO_MSG_EVENT, 0x36 },
  };
  presso_proto_msg m;

  G_STATIC_ASSERT (G_N_ELEMENTS (header) == G_N_ELEMENTS (vectors));
  g_assert_cmpint (i, <, (int) G_N_ELEMENTS (header));
  memset (&m, 0, sizeof m);
  m.type = header[i].type;
  m.seq = header[i].seq;

  switch (m.type)
    {
    case PRESSO_PROTO_MSG_HELLO:
      m.u.hello.proto_version = 1;
      break;
    case PRESSO_PROTO_MSG_IDENTITY:
      m.u.identity.proto_version = 1;
      strcpy (m.u.identity.model, "Presso Lymph 12");
      strcpy (m.u.identity.serial, "PL12-000042");
      strcpy (m.u.identity.firmware, "1.0.0");
      m.u.identity.n_chambers = 12;
      m.u.identity.ceiling_dmmhg = 1500;
      m.u.identity.telemetry_hz = 100;
      m.u.identity.n_outlets = 2;
      m.u.identity.outlets[0] = (presso_proto_outlet) { PRESSO_PROTO_GARMENT_BOOT_LEFT, 0, 6 };
      m.u.identity.outlets[1] = (presso_proto_outlet) { PRESSO_PROTO_GARMENT_BOOT_RIGHT, 6, 6 };
      break;
    case PRESSO_PROTO_MSG_SET_LIMITS:
      m.u.limits.max_dmmhg = 800;
      break;
    case PRESSO_PROTO_MSG_ACK:
      m.u.ack.seq = 2;
      break;
    case PRESSO_PROTO_MSG_LOAD_PROGRAM:
      m.u.program.mode = PRESSO_PROTO_MODE_SEQUENTIAL;
      m.u.program.n_chambers = 6;
      m.u.program.chamber_mask = 0x3F;
      for (int c = 0; c < 6; c++)
        m.u.program.target_dmmhg[c] = (int16_t) (600 - 20 * c);
      m.u.program.inflate_ds = 30;
      m.u.program.hold_ds = 50;
      m.u.program.deflate_ds = 20;
      m.u.program.rest_ds = 100;
      m.u.program.ramp_s = 60;
      m.u.program.duration_s = 1800;
      break;
    case PRESSO_PROTO_MSG_NAK:
      m.u.nak.seq = 4;
      m.u.nak.code = PRESSO_PROTO_NAK_BAD_STATE;
      break;
    case PRESSO_PROTO_MSG_ACK_ALARM:
      m.u.ack_alarm.code = PRESSO_PROTO_EVENT_WATCHDOG_VENT;
      break;
    case PRESSO_PROTO_MSG_TELEMETRY:
      m.u.telemetry.device_time_ms = 754321;
      m.u.telemetry.state = PRESSO_PROTO_STATE_RUNNING;
      m.u.telemetry.phase = PRESSO_PROTO_PHASE_INFLATE;
      m.u.telemetry.active_chamber = 1;
      m.u.telemetry.n_chambers = 12;
      m.u.telemetry.cycle = 3;
      m.u.telemetry.elapsed_s = 245;
      m.u.telemetry.remaining_s = 1555;
      m.u.telemetry.inlet_valves = 0x082;
      m.u.telemetry.vent_valves = 0xF3C;
      m.u.telemetry.compressor_pct = 64;
      m.u.telemetry.alarm_flags = 0;
      for (int c = 0; c < 12; c++)
        m.u.telemetry.pressure_dmmhg[c] = pressures[c];
      break;
    case PRESSO_PROTO_MSG_EVENT:
      m.u.event.device_time_ms = 754330;
      m.u.event.code = PRESSO_PROTO_EVENT_OVER_PRESSURE;
      m.u.event.priority = PRESSO_PROTO_PRIORITY_HIGH;
      m.u.event.chamber = 2;
      m.u.event.value_dmmhg = 731;
      break;
    default:                    /* START, PAUSE, RESUME, HEARTBEAT, STOP, VENT: no body */
      break;
    }
  return m;
}

static gsize
parse_hex (const char *hex, uint8_t *out, gsize out_size)
{
  g_auto(GStrv) parts = g_strsplit (hex, " ", -1);
  gsize n = 0;

  for (char **p = parts; *p != NULL; p++)
    {
      if (**p == '\0')
        continue;
      g_assert_cmpuint (n, <, out_size);
      out[n++] = (uint8_t) g_ascii_strtoull (*p, NULL, 16);
    }
  return n;
}

static void
test_vector (gconstpointer data)
{
  int i = GPOINTER_TO_INT (data);
  presso_proto_msg m = vector_msg (i);
  uint8_t raw[256], wire[256], frame[PRESSO_PROTO_MAX_FRAME], crc_le[2];
  gsize raw_len = parse_hex (vectors[i].raw, raw, sizeof raw);
  gsize wire_len = parse_hex (vectors[i].wire, wire, sizeof wire);
  gsize len;
  uint16_t crc;

  g_assert_cmpstr (presso_proto_msg_type_name (m.type), ==, vectors[i].name);

  /* Encoding the example message gives exactly the documented bytes. */
  len = presso_proto_encode (&m, frame, sizeof frame);
  g_assert_cmpmem (frame, len, wire, wire_len);

  /* The raw frame's CRC is the documented one, and the reference COBS of the raw frame is the
   * documented wire form. */
  crc = presso_proto_crc16 (raw, raw_len - 2);
  crc_le[0] = crc & 0xFF;
  crc_le[1] = crc >> 8;
  g_assert_cmpmem (raw + raw_len - 2, 2, crc_le, 2);
  len = frame_raw (raw, raw_len - 2, TRUE, frame);
  g_assert_cmpmem (frame, len, wire, wire_len);

  /* Decoding the documented bytes gives the message back, whole and one byte at a time. */
  for (gsize chunk = 0; chunk <= 1; chunk++)
    {
      presso_proto_decoder dec;
      outcomes o = { 0 };

      presso_proto_decoder_init (&dec);
      feed_all (&dec, wire, wire_len, chunk, &o);
      g_assert_cmpuint (o.n, ==, 1);
      g_assert_cmpint (o.status[0], ==, PRESSO_PROTO_OK);
      g_assert_true (presso_proto_msg_equal (&o.msg[0], &m));
    }
}

static void
test_crc_vector (void)
{
  /* PROTOCOL.md section 12: the CRC check value, and that the CRC travels little-endian. */
  uint8_t raw[8];
  gsize n = parse_hex (vectors[0].raw, raw, sizeof raw);

  g_assert_cmphex (presso_proto_crc16 ((const uint8_t *) "123456789", 9), ==, 0x29B1);
  g_assert_cmphex (presso_proto_crc16 (raw, n - 2), ==, raw[n - 2] | (raw[n - 1] << 8));
}

static void
test_crc (void)
{
  /* The CRC-16/CCITT-FALSE check value, and the init value for no data. */
  g_assert_cmphex (presso_proto_crc16 ((const uint8_t *) "123456789", 9), ==, 0x29B1);
  g_assert_cmphex (presso_proto_crc16 (NULL, 0), ==, 0xFFFF);
  g_assert_cmphex (presso_proto_crc16 ((const uint8_t *) "\x00", 1), ==, 0xE1F0);
}

static void
test_roundtrip (gconstpointer data)
{
  uint8_t type = (uint8_t) GPOINTER_TO_UINT (data);
  presso_proto_msg m = sample_msg (type);
  uint8_t frame[PRESSO_PROTO_MAX_FRAME];
  gsize len = presso_proto_encode (&m, frame, sizeof frame);

  g_assert_cmpuint (len, >=, 5);
  g_assert_cmpuint (len, <=, PRESSO_PROTO_MAX_FRAME);
  /* Exactly one delimiter, at the end. */
  g_assert_null (memchr (frame, 0, len - 1));
  g_assert_cmpuint (frame[len - 1], ==, 0);

  /* All at once, byte by byte and in odd chunks: the same single message. */
  for (gsize chunk = 0; chunk <= 7; chunk++)
    {
      presso_proto_decoder dec;
      outcomes o = { 0 };

      presso_proto_decoder_init (&dec);
      feed_all (&dec, frame, len, chunk, &o);
      g_assert_cmpuint (o.n, ==, 1);
      g_assert_cmpint (o.status[0], ==, PRESSO_PROTO_OK);
      g_assert_true (presso_proto_msg_equal (&o.msg[0], &m));
      g_assert_cmpuint (dec.frames_ok, ==, 1);
      g_assert_cmpuint (dec.frames_bad, ==, 0);
    }

  /* Too small an output buffer is refused, the exact size is enough. */
  g_assert_cmpuint (presso_proto_encode (&m, frame, len - 1), ==, 0);
  g_assert_cmpuint (presso_proto_encode (&m, frame, len), ==, len);
}

static void
test_telemetry_size (void)
{
  presso_proto_msg m = sample_msg (PRESSO_PROTO_MSG_TELEMETRY);
  presso_proto_msg big, out;
  uint8_t frame[PRESSO_PROTO_MAX_FRAME];
  presso_proto_decoder dec;
  presso_proto_status st;
  gsize len32, len3;

  len32 = presso_proto_encode (&m, frame, sizeof frame);
  big = m;
  m.u.telemetry.n_chambers = 3;
  m.u.telemetry.active_chamber = 2;
  m.u.telemetry.inlet_valves = 0x1;
  m.u.telemetry.vent_valves = 0x6;
  len3 = presso_proto_encode (&m, frame, sizeof frame);
  /* Only n_chambers pressures travel: 29 fewer chambers, 58 fewer bytes. */
  g_assert_cmpuint (len32 - len3, ==, 58);

  presso_proto_decoder_init (&dec);
  g_assert_cmpuint (presso_proto_decoder_feed (&dec, frame, len3, &out, &st), ==, len3);
  g_assert_cmpint (st, ==, PRESSO_PROTO_OK);
  g_assert_cmpuint (out.u.telemetry.n_chambers, ==, 3);
  for (int i = 0; i < 3; i++)
    g_assert_cmpint (out.u.telemetry.pressure_dmmhg[i], ==, big.u.telemetry.pressure_dmmhg[i]);
  for (int i = 3; i < PRESSO_PROTO_MAX_CHAMBERS; i++)
    g_assert_cmpint (out.u.telemetry.pressure_dmmhg[i], ==, 0);
}

static void
test_byte_order (void)
{
  presso_proto_msg m;
  uint8_t frame[16];
  uint8_t raw[] = { PRESSO_PROTO_MSG_SET_LIMITS, 7, 0x12, 0x04 };
  uint8_t expect[16];
  gsize len, elen;

  memset (&m, 0, sizeof m);
  m.type = PRESSO_PROTO_MSG_SET_LIMITS;
  m.seq = 7;
  m.u.limits.max_dmmhg = 0x0412;             /* 104.2 mmHg */
  len = presso_proto_encode (&m, frame, sizeof frame);
  elen = frame_raw (raw, sizeof raw, TRUE, expect);
  g_assert_cmpmem (frame, len, expect, elen);
}

static void
test_encode_rejects (void)
{
  uint8_t frame[PRESSO_PROTO_MAX_FRAME];
  presso_proto_msg m;

  m = sample_msg (PRESSO_PROTO_MSG_TELEMETRY);
  m.u.telemetry.n_chambers = 33;
  g_assert_cmpuint (presso_proto_encode (&m, frame, sizeof frame), ==, 0);
  m = sample_msg (PRESSO_PROTO_MSG_TELEMETRY);
  m.u.telemetry.state = PRESSO_PROTO_STATE_FAULT + 1;
  g_assert_cmpuint (presso_proto_encode (&m, frame, sizeof frame), ==, 0);

  m = sample_msg (PRESSO_PROTO_MSG_LOAD_PROGRAM);
  m.u.program.target_dmmhg[5] = m.u.program.target_dmmhg[4] + 1;  /* gradient must not rise */
  g_assert_cmpint (presso_proto_msg_check (&m), ==, PRESSO_PROTO_ERR_VALUE);
  g_assert_cmpuint (presso_proto_encode (&m, frame, sizeof frame), ==, 0);
  m.u.program.mode = PRESSO_PROTO_MODE_SEQUENTIAL;                 /* fine when not gradient */
  g_assert_cmpint (presso_proto_msg_check (&m), ==, PRESSO_PROTO_OK);
  m.u.program.duration_s = 0;
  g_assert_cmpint (presso_proto_msg_check (&m), ==, PRESSO_PROTO_ERR_VALUE);
  m = sample_msg (PRESSO_PROTO_MSG_LOAD_PROGRAM);
  m.u.program.target_dmmhg[3] = PRESSO_PROTO_MAX_TARGET_DMMHG + 1;
  g_assert_cmpint (presso_proto_msg_check (&m), ==, PRESSO_PROTO_ERR_VALUE);
  m = sample_msg (PRESSO_PROTO_MSG_LOAD_PROGRAM);
  m.u.program.n_chambers = 4;                                      /* mask beyond n_chambers */
  g_assert_cmpint (presso_proto_msg_check (&m), ==, PRESSO_PROTO_ERR_VALUE);
  m = sample_msg (PRESSO_PROTO_MSG_LOAD_PROGRAM);
  m.u.program.hold_ds = PRESSO_PROTO_MAX_STEP_DS + 1;
  g_assert_cmpint (presso_proto_msg_check (&m), ==, PRESSO_PROTO_ERR_VALUE);

  m = sample_msg (PRESSO_PROTO_MSG_IDENTITY);
  memset (m.u.identity.model, 'x', sizeof m.u.identity.model);    /* no room for the NUL */
  g_assert_cmpuint (presso_proto_encode (&m, frame, sizeof frame), ==, 0);
  m = sample_msg (PRESSO_PROTO_MSG_IDENTITY);
  m.u.identity.serial[2] = '\n';                                  /* not printable */
  g_assert_cmpuint (presso_proto_encode (&m, frame, sizeof frame), ==, 0);
  m = sample_msg (PRESSO_PROTO_MSG_IDENTITY);
  m.u.identity.outlets[7].n_chambers = 5;                          /* past the last chamber */
  g_assert_cmpuint (presso_proto_encode (&m, frame, sizeof frame), ==, 0);
  m = sample_msg (PRESSO_PROTO_MSG_IDENTITY);
  m.u.identity.telemetry_hz = 49;                                  /* below 50 Hz */
  g_assert_cmpuint (presso_proto_encode (&m, frame, sizeof frame), ==, 0);

  m = sample_msg (PRESSO_PROTO_MSG_SET_LIMITS);
  m.u.limits.max_dmmhg = -1;
  g_assert_cmpuint (presso_proto_encode (&m, frame, sizeof frame), ==, 0);
  m = sample_msg (PRESSO_PROTO_MSG_EVENT);
  m.u.event.code = 0;
  g_assert_cmpuint (presso_proto_encode (&m, frame, sizeof frame), ==, 0);

  memset (&m, 0, sizeof m);
  m.type = 0x42;
  g_assert_cmpint (presso_proto_msg_check (&m), ==, PRESSO_PROTO_ERR_TYPE);
  g_assert_cmpuint (presso_proto_encode (&m, frame, sizeof frame), ==, 0);
  g_assert_cmpuint (presso_proto_encode (NULL, frame, sizeof frame), ==, 0);
}

/* One hand-made bad frame, then a good one: the error is reported as expected (with the
 * header when the CRC was good) and the good frame still comes out. */
static void
check_bad_then_good (const uint8_t *bad, gsize bad_len, presso_proto_status expect,
                     int expect_type, int expect_seq)
{
  presso_proto_msg good = sample_msg (PRESSO_PROTO_MSG_EVENT);
  uint8_t stream[1024];
  gsize len;

  g_assert_cmpuint (bad_len + PRESSO_PROTO_MAX_FRAME, <=, sizeof stream);
  memcpy (stream, bad, bad_len);
  len = bad_len + presso_proto_encode (&good, stream + bad_len, sizeof stream - bad_len);

  for (gsize chunk = 0; chunk <= 5; chunk++)
    {
      presso_proto_decoder dec;
      outcomes o = { 0 };

      presso_proto_decoder_init (&dec);
      feed_all (&dec, stream, len, chunk, &o);
      g_assert_cmpuint (o.n, ==, 2);
      g_assert_cmpint (o.status[0], ==, expect);
      if (expect_type >= 0)
        {
          g_assert_cmpint (o.msg[0].type, ==, expect_type);
          g_assert_cmpint (o.msg[0].seq, ==, expect_seq);
        }
      g_assert_cmpint (o.status[1], ==, PRESSO_PROTO_OK);
      g_assert_true (presso_proto_msg_equal (&o.msg[1], &good));
      g_assert_cmpuint (dec.frames_bad, ==, 1);
      g_assert_cmpuint (dec.frames_ok, ==, 1);
    }
}

static void
test_errors (void)
{
  uint8_t f[512];
  gsize n;

  /* COBS: a code byte promising more bytes than the frame holds. */
  {
    const uint8_t bad[] = { 0x09, 0x01, 0x02, 0x00 };
    check_bad_then_good (bad, sizeof bad, PRESSO_PROTO_ERR_COBS, -1, -1);
  }
  /* CRC: a good frame with one payload bit flipped. */
  {
    presso_proto_msg m = sample_msg (PRESSO_PROTO_MSG_TELEMETRY);
    n = presso_proto_encode (&m, f, sizeof f);
    f[10] ^= 0x04;
    if (f[10] == 0)
      f[10] = 0x04;
    check_bad_then_good (f, n, PRESSO_PROTO_ERR_CRC, -1, -1);
  }
  /* Too short to carry a CRC. */
  {
    const uint8_t raw[] = { PRESSO_PROTO_MSG_ACK, 1 };
    n = frame_raw (raw, sizeof raw, FALSE, f);
    check_bad_then_good (f, n, PRESSO_PROTO_ERR_CRC, -1, -1);
  }
  /* Length: HELLO with a two-byte body, the CRC right. */
  {
    const uint8_t raw[] = { PRESSO_PROTO_MSG_HELLO, 9, 1, 0 };
    n = frame_raw (raw, sizeof raw, TRUE, f);
    check_bad_then_good (f, n, PRESSO_PROTO_ERR_LENGTH, PRESSO_PROTO_MSG_HELLO, 9);
  }
  /* Length: a STOP with a body. */
  {
    const uint8_t raw[] = { PRESSO_PROTO_MSG_STOP, 10, 0 };
    n = frame_raw (raw, sizeof raw, TRUE, f);
    check_bad_then_good (f, n, PRESSO_PROTO_ERR_LENGTH, PRESSO_PROTO_MSG_STOP, 10);
  }
  /* Length: telemetry announcing 4 chambers but carrying 3. */
  {
    uint8_t raw[128];
    gsize rl;

    rl = 0;
    raw[rl++] = PRESSO_PROTO_MSG_TELEMETRY;
    raw[rl++] = 11;
    raw[rl++] = 1; raw[rl++] = 0; raw[rl++] = 0; raw[rl++] = 0;   /* time */
    raw[rl++] = PRESSO_PROTO_STATE_IDLE;
    raw[rl++] = PRESSO_PROTO_PHASE_NONE;
    raw[rl++] = PRESSO_PROTO_NO_CHAMBER;
    for (int i = 0; i < 6; i++)                                  /* cycle, elapsed, remaining */
      raw[rl++] = 0;
    for (int i = 0; i < 8; i++)                                  /* valves */
      raw[rl++] = 0;
    raw[rl++] = 0;                                               /* compressor */
    raw[rl++] = 0; raw[rl++] = 0;                                /* alarm flags */
    raw[rl++] = 4;                                               /* n_chambers */
    for (int i = 0; i < 3; i++)
      {
        raw[rl++] = 0x10;
        raw[rl++] = 0x01;
      }
    n = frame_raw (raw, rl, TRUE, f);
    check_bad_then_good (f, n, PRESSO_PROTO_ERR_LENGTH, PRESSO_PROTO_MSG_TELEMETRY, 11);

    /* The same frame with the fourth pressure is good: the hand-made layout is the wire's. */
    raw[rl++] = 0x10;
    raw[rl++] = 0x01;
    n = frame_raw (raw, rl, TRUE, f);
    {
      presso_proto_decoder dec;
      presso_proto_msg out;
      presso_proto_status st;
      presso_proto_decoder_init (&dec);
      g_assert_cmpuint (presso_proto_decoder_feed (&dec, f, n, &out, &st), ==, n);
      g_assert_cmpint (st, ==, PRESSO_PROTO_OK);
      g_assert_cmpuint (out.u.telemetry.device_time_ms, ==, 1);
      g_assert_cmpint (out.u.telemetry.pressure_dmmhg[3], ==, 0x0110);
    }
  }
  /* Type: an unknown type with a good CRC, its seq reported so that a device can NAK it. */
  {
    const uint8_t raw[] = { 0x42, 77 };
    n = frame_raw (raw, sizeof raw, TRUE, f);
    check_bad_then_good (f, n, PRESSO_PROTO_ERR_TYPE, 0x42, 77);
    g_assert_cmpint (presso_proto_nak_for_status (PRESSO_PROTO_ERR_TYPE), ==,
                     PRESSO_PROTO_NAK_UNKNOWN_TYPE);
  }
  /* Value: an event code out of range; a state out of range; unterminated model text. */
  {
    const uint8_t raw[] = { PRESSO_PROTO_MSG_EVENT, 5, 0, 0, 0, 0, 99, 3, 0xFF, 0, 0 };
    n = frame_raw (raw, sizeof raw, TRUE, f);
    check_bad_then_good (f, n, PRESSO_PROTO_ERR_VALUE, PRESSO_PROTO_MSG_EVENT, 5);
    g_assert_cmpint (presso_proto_nak_for_status (PRESSO_PROTO_ERR_VALUE), ==,
                     PRESSO_PROTO_NAK_BAD_VALUE);
  }
  {
    const uint8_t raw[] = { PRESSO_PROTO_MSG_SET_LIMITS, 6, 0x00, 0x80 };   /* -32768 */
    n = frame_raw (raw, sizeof raw, TRUE, f);
    check_bad_then_good (f, n, PRESSO_PROTO_ERR_VALUE, PRESSO_PROTO_MSG_SET_LIMITS, 6);
  }
  {
    uint8_t raw[2 + 71];
    memset (raw, 'A', sizeof raw);
    raw[0] = PRESSO_PROTO_MSG_IDENTITY;
    raw[1] = 3;
    raw[2] = 1;                        /* version; model "AAAA..." fills its 24 bytes */
    raw[2 + 1 + 24 + 23] = 0;          /* serial terminated */
    raw[2 + 1 + 48 + 15] = 0;          /* firmware terminated */
    raw[2 + 65] = 4;                   /* chambers */
    raw[2 + 66] = 0xDC; raw[2 + 67] = 0x05;
    raw[2 + 68] = 100; raw[2 + 69] = 0;
    raw[2 + 70] = 0;                   /* no outlets */
    n = frame_raw (raw, sizeof raw, TRUE, f);
    check_bad_then_good (f, n, PRESSO_PROTO_ERR_VALUE, PRESSO_PROTO_MSG_IDENTITY, 3);
    raw[2 + 24] = 0;                   /* now the model ends within its field */
    n = frame_raw (raw, sizeof raw, TRUE, f);
    {
      presso_proto_decoder dec;
      presso_proto_msg out;
      presso_proto_status st;
      presso_proto_decoder_init (&dec);
      presso_proto_decoder_feed (&dec, f, n, &out, &st);
      g_assert_cmpint (st, ==, PRESSO_PROTO_OK);
      g_assert_cmpuint (strlen (out.u.identity.model), ==, 23);
      g_assert_cmpint (out.u.identity.ceiling_dmmhg, ==, 1500);
    }
  }
  /* Overflow: a run far longer than any frame, then the delimiter. */
  {
    memset (f, 0x5A, 400);
    f[400] = 0;
    check_bad_then_good (f, 401, PRESSO_PROTO_ERR_OVERFLOW, -1, -1);
  }
}

static void
test_resync (void)
{
  GRand *rand = g_rand_new_with_seed (20261124);
  uint8_t stream[16384];
  presso_proto_msg sent[200];
  guint n_sent = 0;
  gsize len = 0;
  presso_proto_decoder dec;
  guint got = 0;

  /* Garbage before anything, a cut-off frame, empty frames, random noise without zeros,
   * each followed by good frames of every type. */
  for (guint round = 0; round < 40; round++)
    {
      presso_proto_msg m = sample_msg (all_types[round % G_N_ELEMENTS (all_types)]);
      uint8_t frame[PRESSO_PROTO_MAX_FRAME];
      gsize fl;

      m.seq = (uint8_t) round;
      switch (round % 4)
        {
        case 0:                                 /* noise, no delimiter: joins the next frame */
          for (guint i = 0; i < 1 + round; i++)
            stream[len++] = (uint8_t) g_rand_int_range (rand, 1, 256);
          stream[len++] = 0;                    /* ...until this delimiter ends it */
          break;
        case 1:                                 /* a frame cut short by a delimiter */
          fl = presso_proto_encode (&m, frame, sizeof frame);
          memcpy (stream + len, frame, fl / 2);
          len += fl / 2;
          stream[len++] = 0;
          break;
        case 2:                                 /* empty frames: skipped silently */
          stream[len++] = 0;
          stream[len++] = 0;
          break;
        default:
          break;
        }
      fl = presso_proto_encode (&m, frame, sizeof frame);
      g_assert_cmpuint (fl, >, 0);
      g_assert_cmpuint (len + fl, <=, sizeof stream);
      memcpy (stream + len, frame, fl);
      len += fl;
      sent[n_sent++] = m;
    }

  /* Random chunk sizes; every good frame comes out, in order, and only they do. */
  presso_proto_decoder_init (&dec);
  for (gsize pos = 0; pos < len;)
    {
      gsize chunk = MIN ((gsize) g_rand_int_range (rand, 1, 64), len - pos);
      const uint8_t *p = stream + pos;
      gsize left = chunk;

      pos += chunk;
      while (left > 0)
        {
          presso_proto_msg m;
          presso_proto_status st;
          gsize used = presso_proto_decoder_feed (&dec, p, left, &m, &st);

          p += used;
          left -= used;
          if (st == PRESSO_PROTO_OK)
            {
              g_assert_cmpuint (got, <, n_sent);
              g_assert_true (presso_proto_msg_equal (&m, &sent[got]));
              got++;
            }
        }
    }
  g_assert_cmpuint (got, ==, n_sent);
  g_assert_cmpuint (dec.frames_ok, ==, n_sent);
  g_assert_cmpuint (dec.frames_bad, ==, 20);    /* 10 noise runs + 10 cut frames */
  g_rand_free (rand);
}

/* A long deterministic stream of random garbage (zeros included) between good frames, fed
 * in random chunks: every good frame comes out, in order, and the decoder stays in bounds
 * (this test also runs under AddressSanitizer). */
static void
test_random_garbage (void)
{
  GRand *rand = g_rand_new_with_seed (0x9e55);
  gsize cap = 1 << 20, len = 0, next = 0;
  uint8_t *stream = g_malloc (cap);
  presso_proto_msg *sent = g_new0 (presso_proto_msg, 4096);
  guint n_sent = 0, extra = 0;
  presso_proto_decoder dec;

  while (len + 600 < cap && n_sent < 4096)
    {
      gsize junk = (gsize) g_rand_int_range (rand, 0, 400);
      presso_proto_msg m = sample_msg (all_types[g_rand_int_range (rand, 0,
                                                                   G_N_ELEMENTS (all_types))]);

      for (gsize i = 0; i < junk; i++)
        stream[len++] = g_rand_int_range (rand, 0, 8) == 0 ? 0 : (uint8_t) g_rand_int (rand);
      stream[len++] = 0;
      m.seq = (uint8_t) n_sent;
      len += presso_proto_encode (&m, stream + len, cap - len);
      sent[n_sent++] = m;
    }

  presso_proto_decoder_init (&dec);
  for (gsize pos = 0; pos < len;)
    {
      gsize chunk = MIN ((gsize) g_rand_int_range (rand, 1, 300), len - pos);
      uint8_t *copy = g_memdup2 (stream + pos, chunk);   /* exact-size block for ASan */
      gsize off = 0;

      pos += chunk;
      while (off < chunk)
        {
          presso_proto_msg m;
          presso_proto_status st;

          off += presso_proto_decoder_feed (&dec, copy + off, chunk - off, &m, &st);
          g_assert_cmpuint (dec.len, <=, sizeof dec.buf);
          if (st != PRESSO_PROTO_OK)
            continue;
          g_assert_cmpint (presso_proto_msg_check (&m), ==, PRESSO_PROTO_OK);
          if (next < n_sent && presso_proto_msg_equal (&m, &sent[next]))
            next++;
          else
            extra++;            /* garbage that happens to form a valid frame */
        }
      g_free (copy);
    }
  g_assert_cmpuint (next, ==, n_sent);
  g_assert_cmpuint (extra, <=, 1);
  g_assert_cmpuint (dec.frames_bad, >, n_sent / 2);
  g_free (sent);
  g_free (stream);
  g_rand_free (rand);
}

static void
test_feed_edges (void)
{
  presso_proto_decoder dec;
  presso_proto_msg m;
  presso_proto_status st = PRESSO_PROTO_OK;

  presso_proto_decoder_init (&dec);
  g_assert_cmpuint (presso_proto_decoder_feed (&dec, NULL, 0, &m, &st), ==, 0);
  g_assert_cmpint (st, ==, PRESSO_PROTO_NEED_MORE);

  /* A frame exactly as long as the buffer is kept, one byte more overflows. */
  {
    uint8_t f[PRESSO_PROTO_MAX_FRAME + 2];
    memset (f, 0x33, sizeof f);
    f[sizeof dec.buf] = 0;
    presso_proto_decoder_feed (&dec, f, sizeof dec.buf + 1, &m, &st);
    g_assert_cmpint (st, !=, PRESSO_PROTO_ERR_OVERFLOW);
    f[sizeof dec.buf] = 0x33;
    f[sizeof dec.buf + 1] = 0;
    presso_proto_decoder_feed (&dec, f, sizeof dec.buf + 2, &m, &st);
    g_assert_cmpint (st, ==, PRESSO_PROTO_ERR_OVERFLOW);
  }
}

static void
test_names (void)
{
  g_assert_cmpstr (presso_proto_status_name (PRESSO_PROTO_ERR_CRC), ==, "bad-crc");
  g_assert_cmpstr (presso_proto_state_name (PRESSO_PROTO_STATE_VENTING), ==, "venting");
  g_assert_cmpstr (presso_proto_phase_name (PRESSO_PROTO_PHASE_PRETHERAPY), ==, "pretherapy");
  g_assert_cmpstr (presso_proto_event_name (PRESSO_PROTO_EVENT_WATCHDOG_VENT), ==,
                   "watchdog-vent");
  g_assert_cmpstr (presso_proto_garment_name (PRESSO_PROTO_GARMENT_BELT), ==, "belt");
  g_assert_cmpstr (presso_proto_msg_type_name (PRESSO_PROTO_MSG_ACK_ALARM), ==, "ACK_ALARM");
  g_assert_cmpstr (presso_proto_nak_name (PRESSO_PROTO_NAK_NO_HELLO), ==, "no-hello");
  g_assert_cmpstr (presso_proto_mode_name (PRESSO_PROTO_MODE_WAVE), ==, "wave");
  g_assert_cmpstr (presso_proto_priority_name (PRESSO_PROTO_PRIORITY_MEDIUM), ==, "medium");
  g_assert_cmpstr (presso_proto_state_name ((presso_proto_state) 42), ==, "unknown");
  g_assert_cmpstr (presso_proto_event_name ((presso_proto_event_code) 0), ==, "unknown");

  /* Every type has a name, and every event a name and a priority that makes alarms loud. */
  for (gsize i = 0; i < G_N_ELEMENTS (all_types); i++)
    g_assert_cmpstr (presso_proto_msg_type_name (all_types[i]), !=, "unknown");
  for (int code = 1; code <= PRESSO_PROTO_EVENT_LOOP_OVERRUN; code++)
    g_assert_cmpstr (presso_proto_event_name (code), !=, "unknown");
  g_assert_cmpint (presso_proto_event_priority (PRESSO_PROTO_EVENT_OVER_PRESSURE), ==,
                   PRESSO_PROTO_PRIORITY_HIGH);
  g_assert_cmpint (presso_proto_event_priority (PRESSO_PROTO_EVENT_WATCHDOG_VENT), ==,
                   PRESSO_PROTO_PRIORITY_HIGH);
  g_assert_cmpint (presso_proto_event_priority (PRESSO_PROTO_EVENT_PROGRAM_FINISHED), ==,
                   PRESSO_PROTO_PRIORITY_INFO);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/presso/proto/crc", test_crc);
  for (gsize i = 0; i < G_N_ELEMENTS (all_types); i++)
    {
      g_autofree char *path =
        g_strdup_printf ("/presso/proto/roundtrip/%s",
                         presso_proto_msg_type_name (all_types[i]));
      g_test_add_data_func (path, GUINT_TO_POINTER (all_types[i]), test_roundtrip);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (vectors); i++)
    {
      g_autofree char *path = g_strdup_printf ("/presso/proto/vectors/%s", vectors[i].name);
      g_test_add_data_func (path, GINT_TO_POINTER ((int) i), test_vector);
    }
  g_test_add_func ("/presso/proto/vectors/crc", test_crc_vector);
  g_test_add_func ("/presso/proto/telemetry-size", test_telemetry_size);
  g_test_add_func ("/presso/proto/byte-order", test_byte_order);
  g_test_add_func ("/presso/proto/encode-rejects", test_encode_rejects);
  g_test_add_func ("/presso/proto/errors", test_errors);
  g_test_add_func ("/presso/proto/resync", test_resync);
  g_test_add_func ("/presso/proto/random-garbage", test_random_garbage);
  g_test_add_func ("/presso/proto/feed-edges", test_feed_edges);
  g_test_add_func ("/presso/proto/names", test_names);

  return g_test_run ();
}
