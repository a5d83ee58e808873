/* presso-window.h
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The main window.  An area (Schedule, Treatment, History...) plugs in by being added in
 * add_pages() in presso-window.c:
 *
 *   presso_window_add_page (self, presso_schedule_page_new (), "schedule", _("Schedule"),
 *                           "x-office-calendar-symbolic");
 *
 * If the page has a "store" property (PressoStore) it is bound to the window's store; if it
 * has a "staff" property (PressoStaff) it is bound to who is signed in, NULL while the staff
 * list is shown (Switch User).  Every write through the store is already recorded under the
 * signed-in staff member (presso_store_set_actor()).  A page that installs a "page.find"
 * action gets Ctrl+F while it is shown.  The client picked in the Clients area is
 * PressoClientsPage:current (presso_window_get_page (window, "clients")).
 */
#pragma once

#include <adwaita.h>

#include "presso-application.h"
#include "presso-store.h"

G_BEGIN_DECLS

#define PRESSO_TYPE_WINDOW (presso_window_get_type ())
G_DECLARE_FINAL_TYPE (PressoWindow, presso_window, PRESSO, WINDOW, AdwApplicationWindow)

GtkWidget         *presso_window_new              (PressoApplication *application,
                                                   PressoStore       *store);
PressoStore       *presso_window_get_store        (PressoWindow      *self);
PressoStaff       *presso_window_get_staff        (PressoWindow      *self);
void               presso_window_sign_in          (PressoWindow      *self,
                                                   PressoStaff       *staff);
void               presso_window_switch_user      (PressoWindow      *self);
void               presso_window_show_store_error (PressoWindow      *self,
                                                   const char        *path,
                                                   const GError      *error);
AdwViewStackPage  *presso_window_add_page         (PressoWindow      *self,
                                                   GtkWidget         *page,
                                                   const char        *name,
                                                   const char        *title,
                                                   const char        *icon_name);
GtkWidget         *presso_window_get_page         (PressoWindow      *self,
                                                   const char        *name);
void               presso_window_show_page        (PressoWindow      *self,
                                                   const char        *name);

G_END_DECLS
