/* presso-link.h
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The byte link to a device: a non-blocking fd watched in the main loop, bytes fed to the
 * protocol's incremental decoder, a write queue drained as the port accepts bytes, and an
 * urgent path that puts one frame ahead of everything queued and writes it at once.
 */
#pragma once

#include <gio/gio.h>

#include "presso-proto.h"

G_BEGIN_DECLS

#define PRESSO_TYPE_LINK (presso_link_get_type ())
G_DECLARE_FINAL_TYPE (PressoLink, presso_link, PRESSO, LINK, GObject)

PressoLink *presso_link_new                 (int                     fd);
gboolean    presso_link_is_open             (PressoLink             *self);
void        presso_link_close               (PressoLink             *self);
gboolean    presso_link_send                (PressoLink             *self,
                                             const presso_proto_msg *msg);
gboolean    presso_link_send_bytes          (PressoLink             *self,
                                             const guint8           *data,
                                             gsize                   len);
gboolean    presso_link_send_urgent         (PressoLink             *self,
                                             const presso_proto_msg *msg,
                                             gint64                 *out_written_us);
typedef gboolean (*PressoLinkMatchFunc) (const presso_proto_msg *msg,
                                         gpointer                user_data);

gboolean    presso_link_wait_blocking       (PressoLink             *self,
                                             guint                   timeout_ms,
                                             PressoLinkMatchFunc     match,
                                             gpointer                user_data);
gsize       presso_link_get_queued_bytes    (PressoLink             *self);
gint64      presso_link_get_last_write_time (PressoLink             *self);
guint       presso_link_get_bad_frames      (PressoLink             *self);

G_END_DECLS
