/* presso-sim-glue.c
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "presso-device"
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>

#include "presso-sim-glue.h"

#include "presso-sim.h"

struct _PressoSimGlue
{
  presso_sim   *sim;
  GThread      *thread;
  volatile int  stop;
  int           host_fd;
  int           sim_fd;
};

presso_sim_config *
presso_sim_glue_config_dup (const presso_sim_config *config)
{
  presso_sim_config *copy = g_new0 (presso_sim_config, 1);

  if (config != NULL)
    *copy = *config;
  else
    presso_sim_config_init (copy);
  /* The caller's strings need not outlive the device. */
  copy->garments = g_strdup (copy->garments);
  copy->model = g_strdup (copy->model);
  copy->serial = g_strdup (copy->serial);
  copy->firmware = g_strdup (copy->firmware);
  return copy;
}

void
presso_sim_glue_config_free (presso_sim_config *config)
{
  if (config == NULL)
    return;
  g_free ((char *) config->garments);
  g_free ((char *) config->model);
  g_free ((char *) config->serial);
  g_free ((char *) config->firmware);
  g_free (config);
}

static gpointer
serve_thread (gpointer data)
{
  PressoSimGlue *glue = data;

  presso_sim_serve_fd (glue->sim, glue->sim_fd, &glue->stop);
  return NULL;
}

/**
 * presso_sim_glue_new:
 * @config: the simulator's configuration
 * @error: a #GError
 *
 * Creates a socketpair and starts the simulator's real-time loop on one end in a thread.
 *
 * Returns: (transfer full): the glue, or %NULL on error
 */
PressoSimGlue *
presso_sim_glue_new (const presso_sim_config  *config,
                     GError                  **error)
{
  PressoSimGlue *glue;
  int fds[2];

  if (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, fds) != 0)
    {
      int errsv = errno;
      g_set_error (error, PRESSO_DEVICE_ERROR, PRESSO_DEVICE_ERROR_OPEN,
                   _("Cannot start the simulated device: %s"), g_strerror (errsv));
      return NULL;
    }

  glue = g_new0 (PressoSimGlue, 1);
  glue->host_fd = fds[0];
  glue->sim_fd = fds[1];
  glue->sim = presso_sim_new (config);
  if (glue->sim == NULL)
    {
      close (fds[0]);
      close (fds[1]);
      g_free (glue);
      g_set_error_literal (error, PRESSO_DEVICE_ERROR, PRESSO_DEVICE_ERROR_OPEN,
                           _("Cannot start the simulated device: invalid configuration"));
      return NULL;
    }
  glue->thread = g_thread_new ("presso-sim", serve_thread, glue);

  return glue;
}

/* The host end; the caller owns it from now on. */
int
presso_sim_glue_take_host_fd (PressoSimGlue *glue)
{
  int fd = glue->host_fd;

  glue->host_fd = -1;
  return fd;
}

/* Stops the simulator thread, joins it and closes its end. */
void
presso_sim_glue_free (PressoSimGlue *glue)
{
  if (glue == NULL)
    return;

  g_atomic_int_set (&glue->stop, 1);
  if (glue->thread != NULL)
    g_thread_join (glue->thread);
  presso_sim_free (glue->sim);
  if (glue->host_fd >= 0)
    close (glue->host_fd);
  if (glue->sim_fd >= 0)
    close (glue->sim_fd);
  g_free (glue);
}
