/* presso-client-editor.h
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "presso-store.h"

G_BEGIN_DECLS

#define PRESSO_TYPE_CLIENT_EDITOR (presso_client_editor_get_type ())
G_DECLARE_FINAL_TYPE (PressoClientEditor, presso_client_editor, PRESSO, CLIENT_EDITOR, AdwBin)

/* Signals:
 *   "saved" (PressoClient *client): the record was written; @client is as stored.
 *   "cancelled": the user left without saving (after confirming, if they had typed).
 *   "open-existing" (PressoClient *client): asked to open a likely duplicate instead. */
GtkWidget    *presso_client_editor_new          (void);
void          presso_client_editor_set_store    (PressoClientEditor *self,
                                                 PressoStore        *store);
void          presso_client_editor_edit         (PressoClientEditor *self,
                                                 PressoClient       *client);
PressoClient *presso_client_editor_get_original (PressoClientEditor *self);
PressoClient *presso_client_editor_read_form    (PressoClientEditor *self);
gboolean      presso_client_editor_is_modified  (PressoClientEditor *self);
void          presso_client_editor_save         (PressoClientEditor *self);

G_END_DECLS
