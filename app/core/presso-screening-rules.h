/* presso-screening-rules.h
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define PRESSO_SCREENING_ERROR (presso_screening_error_quark ())
GQuark presso_screening_error_quark (void);

typedef enum
{
  PRESSO_SCREENING_ERROR_INVALID_RULES,     /* the rules file is wrong (message: file, item, key) */
  PRESSO_SCREENING_ERROR_INVALID_ANSWER,    /* an answer of the wrong kind or out of range */
  PRESSO_SCREENING_ERROR_NO_SCREENING,      /* gate: the client has no screening */
  PRESSO_SCREENING_ERROR_INCOMPLETE,        /* gate: a question is not answered */
  PRESSO_SCREENING_ERROR_EXPIRED,           /* gate: older than the validity period */
  PRESSO_SCREENING_ERROR_STALE,             /* gate: the client's details changed since */
  PRESSO_SCREENING_ERROR_NOT_CONFIRMED,     /* gate: no "nothing changed" confirmation today */
  PRESSO_SCREENING_ERROR_CHANGED,           /* gate: the client reported a change today */
  PRESSO_SCREENING_ERROR_CONTRAINDICATED,   /* gate: a zone to treat is contraindicated */
  PRESSO_SCREENING_ERROR_NEEDS_DECISION,    /* gate: a relative contraindication is undecided */
  PRESSO_SCREENING_ERROR_NOT_OVERRIDABLE,   /* decision: absolute or zone contraindications */
  PRESSO_SCREENING_ERROR_INVALID_DECISION,  /* decision: no reason text, nothing to decide... */
  PRESSO_SCREENING_ERROR_PERMIT,            /* permit: other client, zones or day */
} PressoScreeningError;

/* The body zones a garment covers: boots → legs, sleeves → arms, belt → abdomen. */
typedef enum /*< flags >*/
{
  PRESSO_ZONE_NONE    = 0,
  PRESSO_ZONE_LEGS    = 1 << 0,
  PRESSO_ZONE_ARMS    = 1 << 1,
  PRESSO_ZONE_ABDOMEN = 1 << 2,
} PressoZones;

/* What a session must include when an item applies (Requires= in the rules). */
typedef enum /*< flags >*/
{
  PRESSO_SCREENING_REQUIRE_NONE        = 0,
  PRESSO_SCREENING_REQUIRE_PRE_THERAPY = 1 << 0,   /* a pre-therapy phase clears the way first */
} PressoScreeningRequirements;

#define PRESSO_ZONES_ALL (PRESSO_ZONE_LEGS | PRESSO_ZONE_ARMS | PRESSO_ZONE_ABDOMEN)
#define PRESSO_N_ZONES 3

typedef enum
{
  PRESSO_SCREENING_KIND_YES_NO,
  PRESSO_SCREENING_KIND_NUMBER,
  PRESSO_SCREENING_KIND_NUMBER_PAIR,
  PRESSO_SCREENING_KIND_DATE,
  PRESSO_SCREENING_KIND_ZONES,
} PressoScreeningKind;

typedef enum
{
  PRESSO_SCREENING_SEVERITY_NONE,       /* informational (dates) */
  PRESSO_SCREENING_SEVERITY_RELATIVE,   /* a practitioner decides and records why */
  PRESSO_SCREENING_SEVERITY_ZONE,       /* no session on the item's zones */
  PRESSO_SCREENING_SEVERITY_ABSOLUTE,   /* no session at all */
} PressoScreeningSeverity;

typedef enum
{
  PRESSO_SCREENING_COMPARE_LESS,
  PRESSO_SCREENING_COMPARE_LESS_EQUAL,
  PRESSO_SCREENING_COMPARE_GREATER,
  PRESSO_SCREENING_COMPARE_GREATER_EQUAL,
} PressoScreeningCompare;

/* "yes-no", "number", "number-pair", "date", "zones": the rules file's names (storage too). */
const char   *presso_screening_kind_to_id    (PressoScreeningKind  kind);
gboolean      presso_screening_kind_from_id  (const char          *id,
                                              PressoScreeningKind *kind);

/* The zone of one garment type of the device protocol (presso_proto_garment); NONE if unknown. */
PressoZones   presso_zones_for_garment       (guint        garment);
/* "legs", "arms", "abdomen" (the rules file's names) for one zone flag, and back (NONE if unknown). */
const char   *presso_zone_to_id              (PressoZones  zone);
PressoZones   presso_zone_from_id            (const char  *id);
/* The translated label ("Legs"), for one zone flag. */
const char   *presso_zone_to_label           (PressoZones  zone);
/* Translated, comma-separated labels of every zone in @zones (transfer full). */
char         *presso_zones_to_label          (PressoZones  zones);

#define PRESSO_TYPE_SCREENING_ITEM (presso_screening_item_get_type ())
G_DECLARE_FINAL_TYPE (PressoScreeningItem, presso_screening_item, PRESSO, SCREENING_ITEM, GObject)

/* One question of the rules (immutable).  Texts are translated already. */
const char             *presso_screening_item_get_id          (PressoScreeningItem *self);
const char             *presso_screening_item_get_topic       (PressoScreeningItem *self); /* topic id */
const char             *presso_screening_item_get_question    (PressoScreeningItem *self);
const char             *presso_screening_item_get_help        (PressoScreeningItem *self);
PressoScreeningKind     presso_screening_item_get_kind        (PressoScreeningItem *self);
PressoScreeningSeverity presso_screening_item_get_severity    (PressoScreeningItem *self);
/* Zones a zone/relative item concerns (all for absolute); for Kind=zones, the allowed set. */
PressoZones             presso_screening_item_get_zones       (PressoScreeningItem *self);
const char             *presso_screening_item_get_unit        (PressoScreeningItem *self); /* nullable */
/* 1 for number, 2 for number-pair, 0 otherwise. */
guint                   presso_screening_item_get_n_parts     (PressoScreeningItem *self);
const char             *presso_screening_item_get_part_label  (PressoScreeningItem *self,
                                                               guint                part); /* nullable */
double                  presso_screening_item_get_minimum     (PressoScreeningItem *self,
                                                               guint                part);
double                  presso_screening_item_get_maximum     (PressoScreeningItem *self,
                                                               guint                part);
/* FALSE when the item has no such threshold; @relative: the milder band. */
gboolean                presso_screening_item_get_threshold   (PressoScreeningItem *self,
                                                               gboolean             relative,
                                                               guint                part,
                                                               PressoScreeningCompare *compare,
                                                               double              *limit);
guint                   presso_screening_item_get_pressure_cap (PressoScreeningItem *self); /* 0 = none */
PressoScreeningRequirements presso_screening_item_get_requirements (PressoScreeningItem *self);
const char             *presso_screening_item_get_lifted_by   (PressoScreeningItem *self); /* nullable */
guint                   presso_screening_item_get_lifted_after_hours (PressoScreeningItem *self);
const char             *presso_screening_item_get_depends_on  (PressoScreeningItem *self); /* nullable */
gboolean                presso_screening_item_get_optional    (PressoScreeningItem *self);
const char             *presso_screening_item_get_source      (PressoScreeningItem *self); /* nullable */

#define PRESSO_TYPE_SCREENING_RULES (presso_screening_rules_get_type ())
G_DECLARE_FINAL_TYPE (PressoScreeningRules, presso_screening_rules, PRESSO, SCREENING_RULES, GObject)

/* The rule set (immutable) is a GListModel of PressoScreeningItem, in file order. */

/* Loads the rules Presso runs with: $XDG_CONFIG_HOME/presso/screening-rules.ini when present
 * (a clinic's own rules: when it is invalid, that is an error, never a silent fallback), else
 * $PRESSO_SOURCE_DATADIR/screening/rules.desktop (running uninstalled), else the installed
 * PKGDATADIR/screening/rules.desktop.  (transfer full) */
PressoScreeningRules *presso_screening_rules_load_default   (GError              **error);
PressoScreeningRules *presso_screening_rules_new_from_file  (const char           *path,
                                                             GError              **error);
/* @origin names the data in error messages (a file name). */
PressoScreeningRules *presso_screening_rules_new_from_data  (const char           *data,
                                                             gssize                length,
                                                             const char           *origin,
                                                             GError              **error);

const char           *presso_screening_rules_get_version    (PressoScreeningRules *self);
/* The file the rules came from (nullable). */
const char           *presso_screening_rules_get_path       (PressoScreeningRules *self);
guint                 presso_screening_rules_get_n_items    (PressoScreeningRules *self);
PressoScreeningItem  *presso_screening_rules_get_item       (PressoScreeningRules *self,
                                                             guint                 position); /* (transfer none) */
PressoScreeningItem  *presso_screening_rules_lookup         (PressoScreeningRules *self,
                                                             const char           *id);       /* (transfer none) (nullable) */
/* Topic ids in file order (transfer none), and a topic's translated title. */
const char * const   *presso_screening_rules_get_topics     (PressoScreeningRules *self);
const char           *presso_screening_rules_get_topic_title (PressoScreeningRules *self,
                                                              const char           *topic);

G_END_DECLS
