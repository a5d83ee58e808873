/* fuzz-decoder.c
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libFuzzer target for the wire decoder.  Input: one byte choosing how the rest is cut into
 * chunks, then the byte stream itself.  The stream is decoded twice, whole and in chunks, and
 * must give the same outcomes.  Both the whole stream (libFuzzer's own buffer) and every chunk
 * end exactly where their heap block ends, so AddressSanitizer catches any read past them.
 * Every decoded message must pass the range checks, re-encode, and decode back to itself with
 * the same bytes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "presso-proto.h"

#define MAX_OUTCOMES 4096

typedef struct {
  presso_proto_status status;
  presso_proto_msg    msg;
} outcome;

#define MAX_CHUNK    64

static outcome whole[MAX_OUTCOMES];
static uint8_t *chunk_block;    /* MAX_CHUNK bytes on the heap, allocated once */

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
fail (const char *what)
{
  fprintf (stderr, "fuzz-decoder: invariant broken: %s\n", what);
  abort ();
}

/* A decoded message must be valid, re-encode, and come back the same, byte for byte. */
static void
check_message (const presso_proto_msg *msg)
{
  uint8_t frame[PRESSO_PROTO_MAX_FRAME];
  uint8_t again[PRESSO_PROTO_MAX_FRAME];
  presso_proto_decoder dec;
  presso_proto_msg back;
  presso_proto_status st;
  size_t len, len2, used;

  if (presso_proto_msg_check (msg) != PRESSO_PROTO_OK)
    fail ("decoded message fails its range checks");
  len = presso_proto_encode (msg, frame, sizeof frame);
  if (len < 5 || len > PRESSO_PROTO_MAX_FRAME || frame[len - 1] != 0
      || memchr (frame, 0, len - 1) != NULL)
    fail ("decoded message does not re-encode into one frame");

  presso_proto_decoder_init (&dec);
  used = presso_proto_decoder_feed (&dec, frame, len, &back, &st);
  if (used != len || st != PRESSO_PROTO_OK)
    fail ("re-encoded frame does not decode");
  if (!presso_proto_msg_equal (msg, &back))
    fail ("re-decoded message differs");
  len2 = presso_proto_encode (&back, again, sizeof again);
  if (len2 != len || memcmp (frame, again, len) != 0)
    fail ("second encoding differs from the first");
}

/* Feeds n bytes at src to the decoder; appends or compares outcomes. */
static size_t
feed_chunk (presso_proto_decoder *dec, const uint8_t *src, size_t n,
            outcome *record, size_t n_record, size_t count, int compare)
{
  size_t pos = 0;

  while (pos < n)
    {
      presso_proto_msg msg;
      presso_proto_status st;
      size_t used = presso_proto_decoder_feed (dec, src + pos, n - pos, &msg, &st);

      if (used == 0 || used > n - pos)
        fail ("feed consumed nothing or more than it was given");
      if (dec->len > sizeof dec->buf)
        fail ("decoder buffer length past its size");
      pos += used;
      if (st == PRESSO_PROTO_NEED_MORE)
        {
          if (pos != n)
            fail ("NEED_MORE before the chunk was used up");
          continue;
        }
      if (st < PRESSO_PROTO_OK || st > PRESSO_PROTO_ERR_VALUE)
        fail ("unknown status");
      if (st == PRESSO_PROTO_OK)
        check_message (&msg);
      if (count < n_record)
        {
          if (!compare)
            {
              record[count].status = st;
              record[count].msg = msg;
            }
          else if (record[count].status != st
                   || (st == PRESSO_PROTO_OK
                       && !presso_proto_msg_equal (&record[count].msg, &msg)))
            fail ("chunked decoding differs from decoding the whole stream");
        }
      count++;
    }
  return count;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  presso_proto_decoder a, b;
  const uint8_t *stream;
  size_t len, n_whole, n_chunked = 0, pos = 0;
  uint32_t rng;
  uint8_t mode;

  if (size == 0)
    return 0;
  if (chunk_block == NULL && (chunk_block = malloc (MAX_CHUNK)) == NULL)
    abort ();
  mode = data[0];
  stream = data + 1;
  len = size - 1;

  presso_proto_decoder_init (&a);
  n_whole = feed_chunk (&a, stream, len, whole, MAX_OUTCOMES, 0, 0);
  if (a.frames_ok + a.frames_bad != n_whole)
    fail ("decoder counters disagree with the outcomes");

  /* Chunk sizes: mode 0 one byte at a time, else a pseudo-random walk of sizes
   * 1..(mode % 64 + 1) seeded by mode. */
  rng = 0x9E3779B9u ^ mode;
  presso_proto_decoder_init (&b);
  while (pos < len)
    {
      size_t n = 1;

      if (mode != 0)
        {
          rng ^= rng << 13;
          rng ^= rng >> 17;
          rng ^= rng << 5;
          n = 1 + rng % ((uint32_t) (mode % 64) + 1);
        }
      if (n > len - pos)
        n = len - pos;
      /* The chunk ends where its heap block ends: a read past it is an ASan report. */
      memcpy (chunk_block + MAX_CHUNK - n, stream + pos, n);
      n_chunked = feed_chunk (&b, chunk_block + MAX_CHUNK - n, n, whole, MAX_OUTCOMES,
                              n_chunked, 1);
      pos += n;
    }
  if (n_chunked != n_whole || b.frames_ok != a.frames_ok || b.frames_bad != a.frames_bad)
    fail ("chunked decoding found a different number of frames");
  return 0;
}
