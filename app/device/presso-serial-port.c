/* presso-serial-port.c
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "presso-device"
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <libserialport.h>

#include "presso-serial-port.h"

struct _PressoSerialPortInfo
{
  GObject parent_instance;

  char  *name;
  char  *description;
  char  *product;
  char  *manufacturer;
  char  *serial;
  guint  vid;
  guint  pid;
  guint  usb : 1;
};

enum {
  PROP_0,
  PROP_NAME,
  PROP_DESCRIPTION,
  PROP_VID,
  PROP_PID,
  PROP_PRODUCT,
  PROP_MANUFACTURER,
  PROP_SERIAL,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (PressoSerialPortInfo, presso_serial_port_info, G_TYPE_OBJECT)

static void
presso_serial_port_info_finalize (GObject *object)
{
  PressoSerialPortInfo *self = (PressoSerialPortInfo *) object;

  g_free (self->name);
  g_free (self->description);
  g_free (self->product);
  g_free (self->manufacturer);
  g_free (self->serial);

  G_OBJECT_CLASS (presso_serial_port_info_parent_class)->finalize (object);
}

static void
presso_serial_port_info_get_property (GObject    *object,
                                      guint       prop_id,
                                      GValue     *value,
                                      GParamSpec *pspec)
{
  PressoSerialPortInfo *self = PRESSO_SERIAL_PORT_INFO (object);

  switch (prop_id)
    {
    case PROP_NAME: g_value_set_string (value, self->name); break;
    case PROP_DESCRIPTION: g_value_set_string (value, self->description); break;
    case PROP_VID: g_value_set_uint (value, self->vid); break;
    case PROP_PID: g_value_set_uint (value, self->pid); break;
    case PROP_PRODUCT: g_value_set_string (value, self->product); break;
    case PROP_MANUFACTURER: g_value_set_string (value, self->manufacturer); break;
    case PROP_SERIAL: g_value_set_string (value, self->serial); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
presso_serial_port_info_class_init (PressoSerialPortInfoClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = presso_serial_port_info_finalize;
  object_class->get_property = presso_serial_port_info_get_property;

  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_DESCRIPTION] =
    g_param_spec_string ("description", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_VID] =
    g_param_spec_uint ("vid", NULL, NULL, 0, 0xffff, 0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_PID] =
    g_param_spec_uint ("pid", NULL, NULL, 0, 0xffff, 0, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_PRODUCT] =
    g_param_spec_string ("product", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_MANUFACTURER] =
    g_param_spec_string ("manufacturer", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_SERIAL] =
    g_param_spec_string ("serial", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
presso_serial_port_info_init (PressoSerialPortInfo *self)
{
}

const char *
presso_serial_port_info_get_name (PressoSerialPortInfo *self)
{
  g_return_val_if_fail (PRESSO_IS_SERIAL_PORT_INFO (self), NULL);
  return self->name;
}

const char *
presso_serial_port_info_get_description (PressoSerialPortInfo *self)
{
  g_return_val_if_fail (PRESSO_IS_SERIAL_PORT_INFO (self), NULL);
  return self->description;
}

guint
presso_serial_port_info_get_vid (PressoSerialPortInfo *self)
{
  g_return_val_if_fail (PRESSO_IS_SERIAL_PORT_INFO (self), 0);
  return self->vid;
}

guint
presso_serial_port_info_get_pid (PressoSerialPortInfo *self)
{
  g_return_val_if_fail (PRESSO_IS_SERIAL_PORT_INFO (self), 0);
  return self->pid;
}

const char *
presso_serial_port_info_get_product (PressoSerialPortInfo *self)
{
  g_return_val_if_fail (PRESSO_IS_SERIAL_PORT_INFO (self), NULL);
  return self->product;
}

const char *
presso_serial_port_info_get_manufacturer (PressoSerialPortInfo *self)
{
  g_return_val_if_fail (PRESSO_IS_SERIAL_PORT_INFO (self), NULL);
  return self->manufacturer;
}

const char *
presso_serial_port_info_get_serial (PressoSerialPortInfo *self)
{
  g_return_val_if_fail (PRESSO_IS_SERIAL_PORT_INFO (self), NULL);
  return self->serial;
}

gboolean
presso_serial_port_info_is_usb (PressoSerialPortInfo *self)
{
  g_return_val_if_fail (PRESSO_IS_SERIAL_PORT_INFO (self), FALSE);
  return self->usb;
}

static GError *
sp_error (int         code,
          const char *what,
          const char *path)
{
  g_autofree char *msg = sp_last_error_message ();
  GError *error = g_error_new (PRESSO_DEVICE_ERROR, code,
                               /* Translators: "Cannot open /dev/ttyACM0: Permission denied" */
                               _("%s %s: %s"), what, path, msg ? msg : _("unknown error"));
  return error;
}

/**
 * presso_serial_port_list:
 * @error: a #GError
 *
 * Lists the serial ports of this computer, with their USB identity when they have one.
 * Pseudo-terminals are not listed (libserialport cannot see them).
 *
 * Returns: (transfer full): a #GListModel of #PressoSerialPortInfo, or %NULL on error
 */
GListModel *
presso_serial_port_list (GError **error)
{
  g_autoptr(GListStore) store = g_list_store_new (PRESSO_TYPE_SERIAL_PORT_INFO);
  struct sp_port **ports = NULL;
  enum sp_return ret;

  ret = sp_list_ports (&ports);
  if (ret != SP_OK)
    {
      g_set_error (error, PRESSO_DEVICE_ERROR, PRESSO_DEVICE_ERROR_FAILED,
                   _("Cannot list serial ports: %s"), sp_last_error_message ());
      return NULL;
    }

  for (guint i = 0; ports[i] != NULL; i++)
    {
      PressoSerialPortInfo *info = g_object_new (PRESSO_TYPE_SERIAL_PORT_INFO, NULL);
      struct sp_port *port = ports[i];

      info->name = g_strdup (sp_get_port_name (port));
      info->description = g_strdup (sp_get_port_description (port));
      if (sp_get_port_transport (port) == SP_TRANSPORT_USB)
        {
          int vid = 0, pid = 0;

          info->usb = TRUE;
          if (sp_get_port_usb_vid_pid (port, &vid, &pid) == SP_OK)
            {
              info->vid = vid;
              info->pid = pid;
            }
          info->product = g_strdup (sp_get_port_usb_product (port));
          info->manufacturer = g_strdup (sp_get_port_usb_manufacturer (port));
          info->serial = g_strdup (sp_get_port_usb_serial (port));
        }
      g_list_store_append (store, info);
      g_object_unref (info);
    }

  sp_free_port_list (ports);

  return G_LIST_MODEL (g_steal_pointer (&store));
}

/**
 * presso_serial_port_is_virtual:
 * @path: a device path or a symlink to one
 *
 * Returns: %TRUE when @path is a pseudo-terminal (or anything libserialport cannot open),
 *   which presso_serial_port_open() then opens with open() and termios.
 */
gboolean
presso_serial_port_is_virtual (const char *path)
{
  g_autofree char *real = NULL;
  struct sp_port *port = NULL;
  gboolean is_virtual;

  g_return_val_if_fail (path != NULL, FALSE);

  real = realpath (path, NULL);
  if (real == NULL)
    return TRUE;
  if (g_str_has_prefix (real, "/dev/pts/") || g_str_equal (real, "/dev/ptmx"))
    return TRUE;

  is_virtual = sp_get_port_by_name (real, &port) != SP_OK;
  if (port != NULL)
    sp_free_port (port);

  return is_virtual;
}

static gboolean
set_raw_115200 (int      fd,
                GError **error)
{
  struct termios tio;

  if (tcgetattr (fd, &tio) != 0)
    {
      int errsv = errno;
      g_set_error (error, PRESSO_DEVICE_ERROR, PRESSO_DEVICE_ERROR_OPEN,
                   _("Not a serial port: %s"), g_strerror (errsv));
      return FALSE;
    }

  cfmakeraw (&tio);
  tio.c_cflag &= ~(CSTOPB | PARENB | CRTSCTS | CSIZE);
  tio.c_cflag |= CS8 | CLOCAL | CREAD;
  tio.c_iflag &= ~(IXON | IXOFF | IXANY);
  /* VMIN 1: with O_NONBLOCK an empty read is EAGAIN, and a read of 0 bytes means hang-up
   * (with VMIN 0 a tty reads 0 bytes whenever it has nothing). */
  tio.c_cc[VMIN] = 1;
  tio.c_cc[VTIME] = 0;
  cfsetispeed (&tio, B115200);
  cfsetospeed (&tio, B115200);

  if (tcsetattr (fd, TCSANOW, &tio) != 0)
    {
      int errsv = errno;
      g_set_error (error, PRESSO_DEVICE_ERROR, PRESSO_DEVICE_ERROR_OPEN,
                   _("Cannot configure the port: %s"), g_strerror (errsv));
      return FALSE;
    }

  return TRUE;
}

/**
 * presso_serial_port_open_virtual:
 * @path: a pseudo-terminal or a symlink to one
 * @error: a #GError
 *
 * Opens @path with open() and sets it raw, 115200 8N1, no flow control, non-blocking.
 *
 * Returns: an fd the caller owns, or -1 on error
 */
int
presso_serial_port_open_virtual (const char  *path,
                                 GError     **error)
{
  int fd;

  g_return_val_if_fail (path != NULL, -1);

  fd = g_open (path, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC, 0);
  if (fd < 0)
    {
      int errsv = errno;
      g_set_error (error, PRESSO_DEVICE_ERROR,
                   errsv == ENOENT ? PRESSO_DEVICE_ERROR_NO_PORT : PRESSO_DEVICE_ERROR_OPEN,
                   errsv == ENOENT ? _("No such port: %s") : _("Cannot open %s: %s"),
                   path, g_strerror (errsv));
      return -1;
    }

  if (!set_raw_115200 (fd, error))
    {
      g_prefix_error (error, "%s: ", path);
      close (fd);
      return -1;
    }

  /* Drop whatever the peer wrote before we came. */
  tcflush (fd, TCIOFLUSH);

  return fd;
}

static int
open_real (const char  *path,
           GError     **error)
{
  struct sp_port *port = NULL;
  int handle = -1;
  int fd;

  if (sp_get_port_by_name (path, &port) != SP_OK)
    {
      g_propagate_error (error, sp_error (PRESSO_DEVICE_ERROR_NO_PORT, _("No such port"), path));
      return -1;
    }

  if (sp_open (port, SP_MODE_READ_WRITE) != SP_OK)
    {
      g_propagate_error (error, sp_error (PRESSO_DEVICE_ERROR_OPEN, _("Cannot open"), path));
      sp_free_port (port);
      return -1;
    }

  if (sp_set_baudrate (port, 115200) != SP_OK ||
      sp_set_bits (port, 8) != SP_OK ||
      sp_set_parity (port, SP_PARITY_NONE) != SP_OK ||
      sp_set_stopbits (port, 1) != SP_OK ||
      sp_set_flowcontrol (port, SP_FLOWCONTROL_NONE) != SP_OK ||
      sp_get_port_handle (port, &handle) != SP_OK)
    {
      g_propagate_error (error, sp_error (PRESSO_DEVICE_ERROR_OPEN, _("Cannot configure"), path));
      sp_close (port);
      sp_free_port (port);
      return -1;
    }

  /* The I/O runs on a plain fd in the main loop; the settings stay with the device. */
  fd = fcntl (handle, F_DUPFD_CLOEXEC, 3);
  sp_close (port);
  sp_free_port (port);
  if (fd < 0)
    {
      int errsv = errno;
      g_set_error (error, PRESSO_DEVICE_ERROR, PRESSO_DEVICE_ERROR_OPEN,
                   _("Cannot open %s: %s"), path, g_strerror (errsv));
      return -1;
    }

  fcntl (fd, F_SETFL, fcntl (fd, F_GETFL) | O_NONBLOCK);
  if (!set_raw_115200 (fd, error))
    {
      g_prefix_error (error, "%s: ", path);
      close (fd);
      return -1;
    }
  /* One host drives the device: nobody else may open it while we hold it. */
  ioctl (fd, TIOCEXCL);
  tcflush (fd, TCIOFLUSH);

  return fd;
}

/**
 * presso_serial_port_open:
 * @path: a device path (/dev/ttyACM0, /dev/presso-0) or a pty (presso-sim --link)
 * @out_virtual: (out) (optional): set to whether @path was opened as a virtual port
 * @error: a #GError
 *
 * Opens a serial port raw, 115200 8N1, no flow control, non-blocking.  Real ports go
 * through libserialport, pseudo-terminals through open() and termios.
 *
 * Returns: an fd the caller owns, or -1 on error
 */
int
presso_serial_port_open (const char  *path,
                         gboolean    *out_virtual,
                         GError     **error)
{
  gboolean is_virtual;

  g_return_val_if_fail (path != NULL, -1);

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, PRESSO_DEVICE_ERROR, PRESSO_DEVICE_ERROR_NO_PORT,
                   _("No such port: %s"), path);
      return -1;
    }

  is_virtual = presso_serial_port_is_virtual (path);
  if (out_virtual)
    *out_virtual = is_virtual;

  if (is_virtual)
    return presso_serial_port_open_virtual (path, error);
  else
    {
      g_autofree char *real = realpath (path, NULL);
      return open_real (real ? real : path, error);
    }
}
