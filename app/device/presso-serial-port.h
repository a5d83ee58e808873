/* presso-serial-port.h
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Serial ports: listing the real ones (libserialport) and opening real or virtual ones
 * (a pty, such as presso-sim's --link) into one non-blocking, raw, 115200 8N1 fd.
 */
#pragma once

#include <gio/gio.h>

#include "presso-device-types.h"

G_BEGIN_DECLS

#define PRESSO_TYPE_SERIAL_PORT_INFO (presso_serial_port_info_get_type ())
G_DECLARE_FINAL_TYPE (PressoSerialPortInfo, presso_serial_port_info, PRESSO, SERIAL_PORT_INFO, GObject)

const char *presso_serial_port_info_get_name         (PressoSerialPortInfo *self);
const char *presso_serial_port_info_get_description  (PressoSerialPortInfo *self);
guint       presso_serial_port_info_get_vid          (PressoSerialPortInfo *self);
guint       presso_serial_port_info_get_pid          (PressoSerialPortInfo *self);
const char *presso_serial_port_info_get_product      (PressoSerialPortInfo *self);
const char *presso_serial_port_info_get_manufacturer (PressoSerialPortInfo *self);
const char *presso_serial_port_info_get_serial       (PressoSerialPortInfo *self);
gboolean    presso_serial_port_info_is_usb           (PressoSerialPortInfo *self);

GListModel *presso_serial_port_list                  (GError              **error);

int         presso_serial_port_open                  (const char           *path,
                                                      gboolean             *out_virtual,
                                                      GError              **error);
int         presso_serial_port_open_virtual          (const char           *path,
                                                      GError              **error);
gboolean    presso_serial_port_is_virtual            (const char           *path);

G_END_DECLS
