/* presso-link.c
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "presso-device"
#include "config.h"

#include <errno.h>
#include <poll.h>
#include <sys/socket.h>
#include <termios.h>
#include <unistd.h>

#include "presso-link.h"

/* How long the urgent path may wait for a full port before it leaves the rest to the loop. */
#define URGENT_WAIT_MS 20

typedef struct
{
  GSource  source;
  gpointer tag;
} LinkSource;

struct _PressoLink
{
  GObject parent_instance;

  int                  fd;
  GSource             *source;
  presso_proto_decoder decoder;

  /* Frames waiting for the port, GBytes each; head_offset bytes of the head are written. */
  GQueue               queue;
  gsize                head_offset;
  gsize                queued_bytes;
  gint64               last_write_us;

  guint                bad_frames;
  guint                is_socket : 1;
  guint                watching_out : 1;
};

enum {
  MESSAGE,
  FRAME_ERROR,
  CLOSED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (PressoLink, presso_link, G_TYPE_OBJECT)

typedef gboolean (*LinkSourceFunc) (GIOCondition condition,
                                    gpointer     user_data);

static gboolean
link_source_dispatch (GSource     *source,
                      GSourceFunc  callback,
                      gpointer     user_data)
{
  LinkSource *ls = (LinkSource *) source;

  return ((LinkSourceFunc) callback) (g_source_query_unix_fd (source, ls->tag), user_data);
}

static GSourceFuncs link_source_funcs = {
  .dispatch = link_source_dispatch,
};

static void
set_watch_out (PressoLink *self,
               gboolean    watch)
{
  LinkSource *ls = (LinkSource *) self->source;

  if (self->source == NULL || self->watching_out == !!watch)
    return;
  self->watching_out = !!watch;
  g_source_modify_unix_fd (self->source, ls->tag,
                           G_IO_IN | G_IO_HUP | G_IO_ERR | (watch ? G_IO_OUT : 0));
}

static void
close_with_error (PressoLink *self,
                  int         errsv)
{
  g_autoptr(GError) error = NULL;

  if (self->fd < 0)
    return;

  if (errsv == 0)
    error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED, "end of file");
  else
    error = g_error_new_literal (G_IO_ERROR, g_io_error_from_errno (errsv), g_strerror (errsv));

  g_debug ("link closed: %s", error->message);
  presso_link_close (self);
  g_signal_emit (self, signals[CLOSED], 0, error);
}

static gssize
write_some (PressoLink   *self,
            const guint8 *data,
            gsize         len)
{
  gssize n;

  if (self->is_socket)
    {
      n = send (self->fd, data, len, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (n < 0 && errno == ENOTSOCK)
        self->is_socket = FALSE;
      else
        return n;
    }

  return write (self->fd, data, len);
}

/* Writes what the port accepts.  Returns FALSE when the link closed. */
static gboolean
drain (PressoLink *self)
{
  while (self->fd >= 0 && !g_queue_is_empty (&self->queue))
    {
      GBytes *head = g_queue_peek_head (&self->queue);
      gsize size;
      const guint8 *data = g_bytes_get_data (head, &size);
      gssize n = write_some (self, data + self->head_offset, size - self->head_offset);

      if (n < 0)
        {
          int errsv = errno;

          if (errsv == EINTR)
            continue;
          if (errsv == EAGAIN || errsv == EWOULDBLOCK)
            break;
          close_with_error (self, errsv);
          return FALSE;
        }

      self->head_offset += n;
      self->queued_bytes -= n;
      if (self->head_offset == size)
        {
          g_bytes_unref (g_queue_pop_head (&self->queue));
          self->head_offset = 0;
          self->last_write_us = g_get_monotonic_time ();
        }
    }

  set_watch_out (self, self->fd >= 0 && !g_queue_is_empty (&self->queue));

  return self->fd >= 0;
}

static void
read_available (PressoLink *self)
{
  guint8 buf[4096];

  while (self->fd >= 0)
    {
      gssize n = read (self->fd, buf, sizeof buf);
      gsize off = 0;

      if (n < 0)
        {
          int errsv = errno;

          if (errsv == EINTR)
            continue;
          if (errsv == EAGAIN || errsv == EWOULDBLOCK)
            return;
          close_with_error (self, errsv);
          return;
        }
      if (n == 0)
        {
          close_with_error (self, 0);
          return;
        }

      while (off < (gsize) n && self->fd >= 0)
        {
          presso_proto_msg msg;
          presso_proto_status status = PRESSO_PROTO_NEED_MORE;

          off += presso_proto_decoder_feed (&self->decoder, buf + off, n - off, &msg, &status);
          if (status == PRESSO_PROTO_OK)
            g_signal_emit (self, signals[MESSAGE], 0, &msg);
          else if (status != PRESSO_PROTO_NEED_MORE)
            {
              self->bad_frames++;
              g_signal_emit (self, signals[FRAME_ERROR], 0, (guint) status);
            }
        }
    }
}

static gboolean
on_fd_ready_cb (GIOCondition condition,
                gpointer     user_data)
{
  g_autoptr(PressoLink) self = g_object_ref (PRESSO_LINK (user_data));

  if (condition & G_IO_IN)
    read_available (self);

  if (self->fd >= 0 && (condition & (G_IO_HUP | G_IO_ERR)))
    {
      /* Whatever is still readable was read above; a hang-up is the end of the link. */
      close_with_error (self, (condition & G_IO_ERR) ? EIO : 0);
    }

  if (self->fd >= 0 && (condition & G_IO_OUT))
    drain (self);

  return G_SOURCE_CONTINUE;
}

static void
presso_link_dispose (GObject *object)
{
  PressoLink *self = (PressoLink *) object;

  presso_link_close (self);

  G_OBJECT_CLASS (presso_link_parent_class)->dispose (object);
}

static void
presso_link_class_init (PressoLinkClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = presso_link_dispose;

  /**
   * PressoLink::message:
   * @msg: (type gpointer): the decoded `presso_proto_msg`, valid during the emission
   */
  signals[MESSAGE] =
    g_signal_new ("message", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_POINTER);
  /**
   * PressoLink::frame-error:
   * @status: the presso_proto_status of a frame the decoder dropped
   */
  signals[FRAME_ERROR] =
    g_signal_new ("frame-error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
  /**
   * PressoLink::closed:
   * @error: why (end of file, EIO, hang-up)
   */
  signals[CLOSED] =
    g_signal_new ("closed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                  NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
presso_link_init (PressoLink *self)
{
  self->fd = -1;
  g_queue_init (&self->queue);
  presso_proto_decoder_init (&self->decoder);
}

/**
 * presso_link_new:
 * @fd: a non-blocking fd; the link owns it from now on
 *
 * Returns: (transfer full): a link attached to the thread-default main context
 */
PressoLink *
presso_link_new (int fd)
{
  PressoLink *self;
  LinkSource *ls;

  g_return_val_if_fail (fd >= 0, NULL);

  self = g_object_new (PRESSO_TYPE_LINK, NULL);
  self->fd = fd;
  self->is_socket = TRUE;

  self->source = g_source_new (&link_source_funcs, sizeof (LinkSource));
  ls = (LinkSource *) self->source;
  ls->tag = g_source_add_unix_fd (self->source, fd, G_IO_IN | G_IO_HUP | G_IO_ERR);
  g_source_set_priority (self->source, G_PRIORITY_HIGH);
  g_source_set_callback (self->source, (GSourceFunc) on_fd_ready_cb, self, NULL);
  g_source_set_static_name (self->source, "[presso] device link");
  g_source_attach (self->source, g_main_context_get_thread_default ());

  return self;
}

gboolean
presso_link_is_open (PressoLink *self)
{
  g_return_val_if_fail (PRESSO_IS_LINK (self), FALSE);
  return self->fd >= 0;
}

/**
 * presso_link_close:
 * @self: a #PressoLink
 *
 * Closes the fd and drops what was queued.  Does not emit #PressoLink::closed.
 */
void
presso_link_close (PressoLink *self)
{
  g_return_if_fail (PRESSO_IS_LINK (self));

  if (self->source != NULL)
    {
      g_source_destroy (self->source);
      g_clear_pointer (&self->source, g_source_unref);
    }
  if (self->fd >= 0)
    {
      close (self->fd);
      self->fd = -1;
    }
  g_queue_clear_full (&self->queue, (GDestroyNotify) g_bytes_unref);
  self->head_offset = 0;
  self->queued_bytes = 0;
  self->watching_out = FALSE;
}

/**
 * presso_link_send_bytes:
 * @self: a #PressoLink
 * @data: an encoded frame (or several)
 * @len: its length
 *
 * Queues bytes behind what is already queued and writes what the port accepts now.
 *
 * Returns: %FALSE when the link is closed
 */
gboolean
presso_link_send_bytes (PressoLink   *self,
                        const guint8 *data,
                        gsize         len)
{
  gboolean was_empty;

  g_return_val_if_fail (PRESSO_IS_LINK (self), FALSE);

  if (self->fd < 0)
    return FALSE;

  was_empty = g_queue_is_empty (&self->queue);
  g_queue_push_tail (&self->queue, g_bytes_new (data, len));
  self->queued_bytes += len;

  if (was_empty)
    return drain (self);

  return TRUE;
}

/**
 * presso_link_send:
 * @self: a #PressoLink
 * @msg: a message to encode and queue
 *
 * Returns: %FALSE when the link is closed or @msg cannot be encoded
 */
gboolean
presso_link_send (PressoLink             *self,
                  const presso_proto_msg *msg)
{
  guint8 frame[PRESSO_PROTO_MAX_FRAME];
  gsize len;

  g_return_val_if_fail (PRESSO_IS_LINK (self), FALSE);
  g_return_val_if_fail (msg != NULL, FALSE);

  len = presso_proto_encode (msg, frame, sizeof frame);
  if (len == 0)
    {
      g_warning ("Cannot encode message type 0x%02x", msg->type);
      return FALSE;
    }

  return presso_link_send_bytes (self, frame, len);
}

/**
 * presso_link_send_urgent:
 * @self: a #PressoLink
 * @msg: the message that must go first (the emergency vent)
 * @out_written_us: (out) (optional): monotonic time its last byte was written, or 0
 *
 * Puts @msg ahead of everything queued and writes it now.  A frame half written is cut
 * short (the receiver drops it at the delimiter sent first, and its command is retried);
 * on a tty the kernel's untransmitted output is discarded too, so nothing waits in front.
 * Waits at most a few milliseconds for a full port, then leaves the rest to the loop.
 *
 * Returns: %TRUE when the whole frame was written
 */
gboolean
presso_link_send_urgent (PressoLink             *self,
                         const presso_proto_msg *msg,
                         gint64                 *out_written_us)
{
  guint8 frame[PRESSO_PROTO_MAX_FRAME + 1];
  gsize len, off = 0;
  gint64 deadline;

  g_return_val_if_fail (PRESSO_IS_LINK (self), FALSE);

  if (out_written_us)
    *out_written_us = 0;

  if (self->fd < 0)
    return FALSE;

  /* A leading delimiter ends whatever partial frame the receiver holds. */
  frame[0] = 0;
  len = presso_proto_encode (msg, frame + 1, sizeof frame - 1);
  if (len == 0)
    return FALSE;
  len += 1;

  /* Output the kernel holds but has not sent yet is older than this frame: drop it. */
  tcflush (self->fd, TCOFLUSH);
  if (self->head_offset > 0)
    {
      GBytes *head = g_queue_pop_head (&self->queue);

      self->queued_bytes -= g_bytes_get_size (head) - self->head_offset;
      self->head_offset = 0;
      g_bytes_unref (head);
    }

  deadline = g_get_monotonic_time () + URGENT_WAIT_MS * 1000;
  while (off < len)
    {
      gssize n = write_some (self, frame + off, len - off);

      if (n < 0)
        {
          int errsv = errno;

          if (errsv == EINTR)
            continue;
          if (errsv == EAGAIN || errsv == EWOULDBLOCK)
            {
              struct pollfd pfd = { .fd = self->fd, .events = POLLOUT };
              gint64 left = deadline - g_get_monotonic_time ();

              if (left > 0)
                {
                  poll (&pfd, 1, MAX (1, left / 1000));
                  continue;
                }

              /* Not accepted in time: the rest goes first in the queue. */
              g_queue_push_head (&self->queue, g_bytes_new (frame + off, len - off));
              self->queued_bytes += len - off;
              set_watch_out (self, TRUE);
              return FALSE;
            }
          close_with_error (self, errsv);
          return FALSE;
        }
      off += n;
    }

  self->last_write_us = g_get_monotonic_time ();
  if (out_written_us)
    *out_written_us = self->last_write_us;

  return TRUE;
}

/**
 * presso_link_wait_blocking:
 * @self: a #PressoLink
 * @timeout_ms: how long to wait at most
 * @match: called with each message decoded meanwhile (no signal is emitted for them)
 * @user_data: for @match
 *
 * Blocks, reading and decoding, until @match accepts a message, the time is up or the link
 * closes.  For closing paths only (a last vent confirmed before the port closes): bytes read
 * past the matching message are dropped.
 *
 * Returns: %TRUE when @match accepted a message
 */
gboolean
presso_link_wait_blocking (PressoLink          *self,
                           guint                timeout_ms,
                           PressoLinkMatchFunc  match,
                           gpointer             user_data)
{
  gint64 deadline;

  g_return_val_if_fail (PRESSO_IS_LINK (self), FALSE);
  g_return_val_if_fail (match != NULL, FALSE);

  deadline = g_get_monotonic_time () + timeout_ms * G_TIME_SPAN_MILLISECOND;
  while (self->fd >= 0)
    {
      struct pollfd pfd = { .fd = self->fd, .events = POLLIN };
      gint64 left = deadline - g_get_monotonic_time ();
      guint8 buf[512];
      gssize n;
      gsize off = 0;

      if (left <= 0)
        return FALSE;
      if (poll (&pfd, 1, MAX (1, left / 1000)) <= 0)
        continue;
      n = read (self->fd, buf, sizeof buf);
      if (n <= 0)
        {
          if (n < 0 && (errno == EAGAIN || errno == EINTR))
            continue;
          return FALSE;
        }
      while (off < (gsize) n)
        {
          presso_proto_msg msg;
          presso_proto_status status = PRESSO_PROTO_NEED_MORE;

          off += presso_proto_decoder_feed (&self->decoder, buf + off, n - off, &msg, &status);
          if (status == PRESSO_PROTO_OK && match (&msg, user_data))
            return TRUE;
        }
    }

  return FALSE;
}

gsize
presso_link_get_queued_bytes (PressoLink *self)
{
  g_return_val_if_fail (PRESSO_IS_LINK (self), 0);
  return self->queued_bytes;
}

/**
 * presso_link_get_last_write_time:
 * @self: a #PressoLink
 *
 * Returns: the monotonic time the last complete frame left the fd, or 0
 */
gint64
presso_link_get_last_write_time (PressoLink *self)
{
  g_return_val_if_fail (PRESSO_IS_LINK (self), 0);
  return self->last_write_us;
}

guint
presso_link_get_bad_frames (PressoLink *self)
{
  g_return_val_if_fail (PRESSO_IS_LINK (self), 0);
  return self->bad_frames;
}
