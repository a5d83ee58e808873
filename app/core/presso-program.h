/* presso-program.h
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * PressoProgram: a treatment program as the practitioner sets it (GLib only, no I/O): mode,
 * garments, chambers used or skipped, a base pressure with a gradient and boosts, the cycle
 * timing, a soft start, the duration and an optional abdominal pre-therapy.  It validates
 * itself against the device's ceiling, the UI envelope and the client's screening cap, turns
 * into a presso_proto_program for one device, and round-trips through a text form (a key
 * file) so that a session keeps an exact copy of the program it ran.
 *
 * Chambers are counted per garment from the distal end: chamber 1 is the ankle chamber of a
 * boot (or the wrist chamber of a sleeve); the same settings apply to every limb garment used.
 * Belt chambers have their own pressure.
 */
#pragma once

#include <glib-object.h>

#include "presso-proto.h"

G_BEGIN_DECLS

#define PRESSO_PROGRAM_ERROR (presso_program_error_quark ())
GQuark presso_program_error_quark (void);

typedef enum
{
  PRESSO_PROGRAM_ERROR_PARSE,      /* the text form is not a program (message says where) */
  PRESSO_PROGRAM_ERROR_INVALID,    /* the program breaks a rule (message: the first problem) */
  PRESSO_PROGRAM_ERROR_DEVICE,     /* the device lacks a garment or chambers the program uses */
  PRESSO_PROGRAM_ERROR_NO_PRESET,  /* no built-in program of that name */
} PressoProgramError;

/* The UI envelope (CLINICAL.md): per chamber, in whole mmHg. */
#define PRESSO_PROGRAM_MIN_MMHG          10
#define PRESSO_PROGRAM_MAX_MMHG          120
#define PRESSO_PROGRAM_BOOST_MMHG        10
#define PRESSO_PROGRAM_MAX_STEP_S        120.0
#define PRESSO_PROGRAM_MAX_RAMP_S        600
#define PRESSO_PROGRAM_MIN_DURATION_MIN  1
#define PRESSO_PROGRAM_MAX_DURATION_MIN  120
#define PRESSO_PROGRAM_DEFAULT_DURATION_MIN 25
#define PRESSO_PROGRAM_MAX_CHAMBERS      PRESSO_PROTO_MAX_CHAMBERS
#define PRESSO_PROGRAM_MAX_PRETHERAPY_CYCLES PRESSO_PROTO_MAX_PRETHERAPY_CYCLES

/* Garments as a set: bit (1 << presso_proto_garment). */
#define PRESSO_PROGRAM_GARMENT_BIT(g)    (1u << (g))
#define PRESSO_PROGRAM_GARMENTS_LEGS     (PRESSO_PROGRAM_GARMENT_BIT (PRESSO_PROTO_GARMENT_BOOT_LEFT) | \
                                          PRESSO_PROGRAM_GARMENT_BIT (PRESSO_PROTO_GARMENT_BOOT_RIGHT))
#define PRESSO_PROGRAM_GARMENTS_ARMS     (PRESSO_PROGRAM_GARMENT_BIT (PRESSO_PROTO_GARMENT_SLEEVE_LEFT) | \
                                          PRESSO_PROGRAM_GARMENT_BIT (PRESSO_PROTO_GARMENT_SLEEVE_RIGHT))
#define PRESSO_PROGRAM_GARMENTS_BELT     PRESSO_PROGRAM_GARMENT_BIT (PRESSO_PROTO_GARMENT_BELT)
#define PRESSO_PROGRAM_GARMENTS_ALL      (PRESSO_PROGRAM_GARMENTS_LEGS | PRESSO_PROGRAM_GARMENTS_ARMS | \
                                          PRESSO_PROGRAM_GARMENTS_BELT)

typedef enum
{
  PRESSO_PROGRAM_STEP_INFLATE,
  PRESSO_PROGRAM_STEP_HOLD,
  PRESSO_PROGRAM_STEP_DEFLATE,
  PRESSO_PROGRAM_STEP_REST,
} PressoProgramStep;

/**
 * PressoProgramProblem:
 * @field: the setting at fault, as its key in the text form ("BasePressure", "Chamber",
 *   "Inflate", "Duration", "Garments", ...)
 * @chamber: the chamber (1 = most distal) for "Chamber" and "Belt" problems, else 0
 * @message: translated, for the user ("Chamber 3: 130 mmHg is above the device ceiling of
 *   120 mmHg")
 */
typedef struct
{
  char *field;
  guint chamber;
  char *message;
} PressoProgramProblem;

void presso_program_problem_free (PressoProgramProblem *problem);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PressoProgramProblem, presso_program_problem_free)

#define PRESSO_TYPE_PROGRAM (presso_program_get_type ())
G_DECLARE_FINAL_TYPE (PressoProgram, presso_program, PRESSO, PROGRAM, GObject)

/* Properties (all readwrite, notify on change): "id" (gint64, 0 = not stored), "version"
 * (gint64), "archived" (gboolean), "name" (string), "mode" (guint, presso_proto_mode),
 * "garments" (guint, garment set), "n-chambers" (guint, chambers per limb garment, 1..32),
 * "base-pressure" (guint mmHg, chamber 1), "gradient" (guint, mmHg less per chamber going up),
 * "boost-mask" (guint, bit i: chamber i + 1 gets +10 mmHg), "skip-mask" (guint, bit i:
 * chamber i + 1 skipped), "belt-pressure" (guint mmHg), "inflate-s", "hold-s", "deflate-s",
 * "rest-s" (double seconds, 0.1 s resolution), "ramp-s" (guint), "duration-min" (guint),
 * "pretherapy" (gboolean), "pretherapy-cycles" (guint). */
PressoProgram  *presso_program_new                 (void);
/* The built-in programs (presso-presets): "lymphatic-drainage", "venous-return",
 * "anti-cellulite", "sports-recovery", "leg-lymphoedema-pretherapy", for garments of
 * @n_chambers chambers.  (transfer full) */
PressoProgram  *presso_program_new_from_preset     (const char         *preset_name,
                                                    guint               n_chambers,
                                                    GError            **error);
/* Preset names in display order (transfer none). */
const char * const *presso_program_list_presets    (void);
PressoProgram  *presso_program_copy                (PressoProgram      *self);
gboolean        presso_program_equal               (PressoProgram      *a,
                                                    PressoProgram      *b);

gint64          presso_program_get_id              (PressoProgram      *self);
void            presso_program_set_id              (PressoProgram      *self,
                                                    gint64              id);
gint64          presso_program_get_version         (PressoProgram      *self);
void            presso_program_set_version         (PressoProgram      *self,
                                                    gint64              version);
gboolean        presso_program_get_archived        (PressoProgram      *self);
void            presso_program_set_archived        (PressoProgram      *self,
                                                    gboolean            archived);
const char     *presso_program_get_name            (PressoProgram      *self);
void            presso_program_set_name            (PressoProgram      *self,
                                                    const char         *name);
guint           presso_program_get_mode            (PressoProgram      *self);
void            presso_program_set_mode            (PressoProgram      *self,
                                                    guint               mode);
guint           presso_program_get_garments        (PressoProgram      *self);
void            presso_program_set_garments        (PressoProgram      *self,
                                                    guint               garments);
guint           presso_program_get_n_chambers      (PressoProgram      *self);
void            presso_program_set_n_chambers      (PressoProgram      *self,
                                                    guint               n_chambers);
guint           presso_program_get_base_pressure   (PressoProgram      *self);
void            presso_program_set_base_pressure   (PressoProgram      *self,
                                                    guint               mmhg);
guint           presso_program_get_gradient        (PressoProgram      *self);
void            presso_program_set_gradient        (PressoProgram      *self,
                                                    guint               mmhg_per_chamber);
guint32         presso_program_get_boost_mask      (PressoProgram      *self);
void            presso_program_set_boost_mask      (PressoProgram      *self,
                                                    guint32             mask);
guint32         presso_program_get_skip_mask       (PressoProgram      *self);
void            presso_program_set_skip_mask       (PressoProgram      *self,
                                                    guint32             mask);
guint           presso_program_get_belt_pressure   (PressoProgram      *self);
void            presso_program_set_belt_pressure   (PressoProgram      *self,
                                                    guint               mmhg);
double          presso_program_get_step            (PressoProgram      *self,
                                                    PressoProgramStep   step);
void            presso_program_set_step            (PressoProgram      *self,
                                                    PressoProgramStep   step,
                                                    double              seconds);
guint           presso_program_get_ramp_s          (PressoProgram      *self);
void            presso_program_set_ramp_s          (PressoProgram      *self,
                                                    guint               seconds);
guint           presso_program_get_duration_min    (PressoProgram      *self);
void            presso_program_set_duration_min    (PressoProgram      *self,
                                                    guint               minutes);
gboolean        presso_program_get_pretherapy      (PressoProgram      *self);
void            presso_program_set_pretherapy      (PressoProgram      *self,
                                                    gboolean            pretherapy);
guint           presso_program_get_pretherapy_cycles (PressoProgram    *self);
void            presso_program_set_pretherapy_cycles (PressoProgram    *self,
                                                      guint             cycles);

/* Target of limb chamber @chamber (1 = distal): base - gradient × (chamber - 1), + 10 when
 * boosted; may be out of range (validation says so).  0 for a skipped chamber. */
int             presso_program_get_target          (PressoProgram      *self,
                                                    guint               chamber);
/* Translated mode label ("Sequential") and stable id ("sequential"). */
const char     *presso_program_mode_to_label       (guint               mode);
const char     *presso_program_mode_to_id          (guint               mode);

/* Every problem, in field order.  @ceiling_mmhg: the device's hard ceiling (0 = unknown,
 * not checked); @cap_mmhg: the client's screening cap (0 = none); @cap_reason (nullable):
 * why, shown in the message ("past DVT").  (transfer full) (element-type PressoProgramProblem) */
GPtrArray      *presso_program_validate            (PressoProgram      *self,
                                                    double              ceiling_mmhg,
                                                    guint               cap_mmhg,
                                                    const char         *cap_reason);
/* The same; FALSE with the first problem's message in INVALID. */
gboolean        presso_program_check               (PressoProgram      *self,
                                                    double              ceiling_mmhg,
                                                    guint               cap_mmhg,
                                                    const char         *cap_reason,
                                                    GError            **error);

/* The device program for @identity: each garment of the program goes to the device outlet of
 * that garment (a device with no outlet table is one chain, taken as the program's only
 * garment).  Fails with DEVICE when the device has no such garment or too few chambers on it,
 * and INVALID when the program is invalid for the device's ceiling. */
gboolean        presso_program_to_proto            (PressoProgram               *self,
                                                    const presso_proto_identity *identity,
                                                    presso_proto_program        *out,
                                                    GError                     **error);

/* Text form: a key file, locale independent. */
char           *presso_program_to_data             (PressoProgram      *self);
PressoProgram  *presso_program_new_from_data       (const char         *data,
                                                    GError            **error);

G_END_DECLS
