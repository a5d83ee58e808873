/* presso-program-editor.h
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PressoProgramEditor: a window listing the practice's own treatment programs beside the
 * built-in ones, with a form to write one: mode, garments, chambers skipped or boosted, base
 * pressure and gradient with each chamber's target, cycle timing, soft start, duration and
 * pre-therapy.  Every change is checked at once with presso_program_validate() against the
 * default device ceiling (no client cap: the Treatment page checks the real device and client
 * when a session starts) and each problem is shown at its setting; Save is refused while one
 * remains.  Built-in programs are read-only: Duplicate starts the practice's own from one.
 */
#pragma once

#include <adwaita.h>

#include "presso-store.h"
#include "presso-program.h"

G_BEGIN_DECLS

/* The ceiling the editor validates against when no device is known (CLINICAL.md). */
#define PRESSO_PROGRAM_EDITOR_CEILING_MMHG 150.0

#define PRESSO_TYPE_PROGRAM_EDITOR (presso_program_editor_get_type ())
G_DECLARE_FINAL_TYPE (PressoProgramEditor, presso_program_editor, PRESSO, PROGRAM_EDITOR, AdwWindow)

/* Signals:
 *   "programs-changed": a program was saved, archived or brought back; lists of the
 *     practice's programs (the Treatment page's) should be read again. */
GtkWidget     *presso_program_editor_new          (PressoStore         *store);
/* Starts a new program in the form (the defaults of presso_program_new()). */
void           presso_program_editor_new_program  (PressoProgramEditor *self);
/* Opens @program (a stored one, by id; else it is taken as a built-in one, read-only). */
void           presso_program_editor_open         (PressoProgramEditor *self,
                                                   PressoProgram       *program);
/* The program as the form stands.  (transfer none) */
PressoProgram *presso_program_editor_get_program  (PressoProgramEditor *self);
/* Saves the form as the Save button does: FALSE when a problem remains (the first one gets
 * the focus), on a conflict (the form is kept, a message says why) or a store error. */
gboolean       presso_program_editor_save         (PressoProgramEditor *self);

G_END_DECLS
