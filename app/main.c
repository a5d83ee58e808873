/* main.c
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "presso"
#include "config.h"

#include <glib/gi18n.h>

#include "presso-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(PressoApplication) app = NULL;

  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = presso_application_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}
