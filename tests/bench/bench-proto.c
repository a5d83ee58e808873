/* bench-proto.c
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Decoder and encoder throughput on realistic 32-chamber telemetry (the largest frame the host
 * receives at 50..1000 Hz), fed in random-size chunks as a serial port delivers them.  Each
 * figure comes with a baseline measured in the same run on the same bytes: one CRC-16 pass
 * (the least any receiver must do per byte) and a memchr scan for the delimiters.  One JSON
 * line per measurement.  Goal: 1 000 000 decoded frames/s on one core.
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "presso-proto.h"

#define N_FRAMES   20000
#define N_CHAMBERS 32
#define GOAL       1000000.0
#define MIN_TIME_S 0.25
#define ROUNDS     3

static uint8_t  *stream;
static size_t    stream_len;
static uint8_t  *raws;          /* the raw frames (type | seq | body), for the encode baseline */
static size_t    raw_len[N_FRAMES];
static size_t   *chunks;
static size_t    n_chunks;
static presso_proto_msg msgs[N_FRAMES];
static volatile uint32_t sink;

static double
now_s (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + (double) ts.tv_nsec * 1e-9;
}

static uint32_t
xorshift (uint32_t *s)
{
  *s ^= *s << 13;
  *s ^= *s >> 17;
  *s ^= *s << 5;
  return *s;
}

/* Telemetry as a running sequential program produces it: pressures rising, holding and
 * falling around 40..80 mmHg with sensor noise, valves and phase changing. */
static void
make_frames (void)
{
  uint32_t rng = 12345;
  size_t cap = (size_t) N_FRAMES * PRESSO_PROTO_MAX_FRAME;
  size_t raw_pos = 0;

  stream = malloc (cap);
  raws = malloc (cap);
  if (stream == NULL || raws == NULL)
    exit (1);

  for (int i = 0; i < N_FRAMES; i++)
    {
      presso_proto_msg *m = &msgs[i];
      presso_proto_telemetry *t = &m->u.telemetry;
      double time_s = i / 100.0;
      size_t n;

      memset (m, 0, sizeof *m);
      m->type = PRESSO_PROTO_MSG_TELEMETRY;
      m->seq = (uint8_t) i;
      t->device_time_ms = (uint32_t) (i * 10);
      t->state = PRESSO_PROTO_STATE_RUNNING;
      t->phase = (uint8_t) (1 + (i / 300) % 4);
      t->active_chamber = (uint8_t) ((i / 50) % N_CHAMBERS);
      t->n_chambers = N_CHAMBERS;
      t->cycle = (uint16_t) (i / 1200);
      t->elapsed_s = (uint16_t) time_s;
      t->remaining_s = (uint16_t) (1800 - (int) time_s % 1800);
      t->inlet_valves = 1u << t->active_chamber;
      t->vent_valves = ~((2u << t->active_chamber) - 1u);
      t->compressor_pct = (uint8_t) (xorshift (&rng) % 101);
      for (int c = 0; c < N_CHAMBERS; c++)
        {
          double p = 600 + 200 * sin (time_s * 0.5 + c * 0.3);
          t->pressure_dmmhg[c] = (int16_t) (p + (double) (xorshift (&rng) % 21) - 10);
        }

      n = presso_proto_encode (m, stream + stream_len, cap - stream_len);
      if (n == 0)
        {
          fprintf (stderr, "bench-proto: cannot encode frame %d\n", i);
          exit (1);
        }
      stream_len += n;

      /* The raw bytes the encoder serialises, for the encode baseline. */
      raw_len[i] = 2 + 25 + 2 * N_CHAMBERS;
      memset (raws + raw_pos, (int) (i & 0xFF), raw_len[i]);
      raw_pos += raw_len[i];
    }

  /* Random chunk sizes 1..256, as reads from a serial port or a USB CDC endpoint come. */
  chunks = malloc (sizeof *chunks * (stream_len + 1));
  if (chunks == NULL)
    exit (1);
  for (size_t pos = 0; pos < stream_len; n_chunks++)
    {
      size_t n = 1 + xorshift (&rng) % 256;

      if (n > stream_len - pos)
        n = stream_len - pos;
      chunks[n_chunks] = n;
      pos += n;
    }
}

/* Decodes the whole stream; returns the frames decoded, checks them. */
static size_t
decode_stream (bool bytewise)
{
  presso_proto_decoder dec;
  size_t pos = 0, got = 0;

  presso_proto_decoder_init (&dec);
  for (size_t k = 0; pos < stream_len; k++)
    {
      size_t n = bytewise ? 1 : chunks[k];
      const uint8_t *p = stream + pos;

      pos += n;
      while (n > 0)
        {
          presso_proto_msg out;
          presso_proto_status st;
          size_t used = presso_proto_decoder_feed (&dec, p, n, &out, &st);

          p += used;
          n -= used;
          if (st == PRESSO_PROTO_OK)
            {
              sink += out.u.telemetry.pressure_dmmhg[N_CHAMBERS - 1];
              got++;
            }
          else if (st != PRESSO_PROTO_NEED_MORE)
            {
              fprintf (stderr, "bench-proto: decoder error %s\n", presso_proto_status_name (st));
              exit (1);
            }
        }
    }
  return got;
}

static size_t
crc_stream (void)
{
  sink += presso_proto_crc16 (stream, stream_len);
  return N_FRAMES;
}

static size_t
memchr_stream (void)
{
  size_t got = 0;

  for (const uint8_t *p = stream, *end = stream + stream_len; p < end; got++)
    {
      const uint8_t *z = memchr (p, 0, (size_t) (end - p));

      if (z == NULL)
        break;
      p = z + 1;
    }
  return got;
}

static size_t
encode_all (void)
{
  uint8_t frame[PRESSO_PROTO_MAX_FRAME];

  for (int i = 0; i < N_FRAMES; i++)
    sink += (uint32_t) presso_proto_encode (&msgs[i], frame, sizeof frame);
  return N_FRAMES;
}

static size_t
crc_raws (void)
{
  size_t pos = 0;

  for (int i = 0; i < N_FRAMES; i++)
    {
      sink += presso_proto_crc16 (raws + pos, raw_len[i]);
      pos += raw_len[i];
    }
  return N_FRAMES;
}

/* Best of ROUNDS, each repeating fn for at least MIN_TIME_S: frames per second. */
static double
measure (size_t (*fn) (void))
{
  double best = 0;

  for (int r = 0; r < ROUNDS; r++)
    {
      double t0 = now_s (), t;
      size_t frames = 0;

      do
        {
          frames += fn ();
          t = now_s () - t0;
        }
      while (t < MIN_TIME_S);
      if (frames / t > best)
        best = frames / t;
    }
  return best;
}

static size_t decode_chunked (void) { return decode_stream (false); }
static size_t decode_bytewise (void) { return decode_stream (true); }

static void
report (const char *bench, const char *chunking, double fps, const char *baseline,
        double base_fps, double framing_fps)
{
  double frame_bytes = (double) stream_len / N_FRAMES;

  printf ("{\"bench\":\"%s\",\"chunks\":\"%s\",\"frames_per_s\":%.0f,\"mb_per_s\":%.1f,"
          "\"baseline\":\"%s\",\"baseline_frames_per_s\":%.0f,\"ratio_to_baseline\":%.2f,",
          bench, chunking, fps, fps * frame_bytes / 1e6, baseline, base_fps, fps / base_fps);
  if (framing_fps > 0)
    printf ("\"memchr_frames_per_s\":%.0f,", framing_fps);
  printf ("\"frame_bytes\":%.1f,\"chambers\":%d,\"goal\":%.0f,\"met\":%s}\n",
          frame_bytes, N_CHAMBERS, GOAL, fps >= GOAL ? "true" : "false");
  fflush (stdout);
}

int
main (void)
{
  double crc_fps, memchr_fps;

  make_frames ();
  if (decode_stream (false) != N_FRAMES || decode_stream (true) != N_FRAMES
      || memchr_stream () != N_FRAMES)
    {
      fprintf (stderr, "bench-proto: the stream does not decode to %d frames\n", N_FRAMES);
      return 1;
    }

  /* Baselines first, then each codec figure: all on the same bytes, in the same process. */
  crc_fps = measure (crc_stream);
  memchr_fps = measure (memchr_stream);
  report ("proto-decode", "random 1..256", measure (decode_chunked), "crc-only", crc_fps,
          memchr_fps);
  report ("proto-decode-bytewise", "1", measure (decode_bytewise), "crc-only", crc_fps, 0);
  report ("proto-encode", "-", measure (encode_all), "crc-only", measure (crc_raws), 0);

  free (chunks);
  free (raws);
  free (stream);
  return 0;
}
