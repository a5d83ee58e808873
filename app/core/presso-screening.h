/* presso-screening.h
 *
 * Copyright 2026 The Presso developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "presso-screening-rules.h"

G_BEGIN_DECLS

/* One answer: its kind matches the question's (yes-no, number, number-pair, date, zones). */
typedef struct _PressoScreeningAnswer PressoScreeningAnswer;

#define PRESSO_TYPE_SCREENING_ANSWER (presso_screening_answer_get_type ())
GType                  presso_screening_answer_get_type     (void) G_GNUC_CONST;
PressoScreeningAnswer *presso_screening_answer_new_yes_no   (gboolean      yes);
PressoScreeningAnswer *presso_screening_answer_new_number   (double        value);
PressoScreeningAnswer *presso_screening_answer_new_pair     (double        first,
                                                             double        second);
PressoScreeningAnswer *presso_screening_answer_new_date     (GDateTime    *date);
PressoScreeningAnswer *presso_screening_answer_new_zones    (PressoZones   zones);
PressoScreeningAnswer *presso_screening_answer_copy         (const PressoScreeningAnswer *answer);
void                   presso_screening_answer_free         (PressoScreeningAnswer *answer);
PressoScreeningKind    presso_screening_answer_get_kind     (const PressoScreeningAnswer *answer);
gboolean               presso_screening_answer_get_yes      (const PressoScreeningAnswer *answer);
/* @part 0 or 1 (number-pair). */
double                 presso_screening_answer_get_number   (const PressoScreeningAnswer *answer,
                                                             guint                        part);
GDateTime             *presso_screening_answer_get_date     (const PressoScreeningAnswer *answer); /* (transfer none) */
PressoZones            presso_screening_answer_get_zones    (const PressoScreeningAnswer *answer);
/* Text form for storage: "yes"/"no", "0.7", "160;100", ISO 8601 UTC, "legs;abdomen" ("" = none).
 * Locale independent; presso_screening_answer_parse() reads it back for a kind. */
char                  *presso_screening_answer_to_string    (const PressoScreeningAnswer *answer);
PressoScreeningAnswer *presso_screening_answer_parse        (PressoScreeningKind          kind,
                                                             const char                  *text,
                                                             GError                     **error);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PressoScreeningAnswer, presso_screening_answer_free)

/* A practitioner's decision that a relative contraindication does not stop sessions on a zone. */
typedef struct
{
  gint64     id;             /* store row, 0 before it is stored */
  PressoZones zone;          /* exactly one zone */
  char      *item_id;        /* the relative item decided on */
  char      *reason;         /* required, the practitioner's words */
  GDateTime *letter_date;    /* nullable: date of the doctor's clearance letter */
  gint64     decided_by;     /* staff id */
  GDateTime *decided_at;
} PressoScreeningDecision;

#define PRESSO_TYPE_SCREENING_DECISION (presso_screening_decision_get_type ())
GType                    presso_screening_decision_get_type (void) G_GNUC_CONST;
PressoScreeningDecision *presso_screening_decision_new  (PressoZones    zone,
                                                         const char    *item_id,
                                                         const char    *reason,
                                                         GDateTime     *letter_date,
                                                         gint64         decided_by,
                                                         GDateTime     *decided_at);
PressoScreeningDecision *presso_screening_decision_copy (const PressoScreeningDecision *decision);
void                     presso_screening_decision_free (PressoScreeningDecision *decision);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PressoScreeningDecision, presso_screening_decision_free)

/* The answer to "anything changed since the last screening?" at the start of a session. */
typedef struct
{
  gint64     id;             /* store row, 0 before it is stored */
  gint64     screening_id;   /* the screening confirmed */
  GDateTime *confirmed_at;
  gint64     confirmed_by;   /* staff id */
  gboolean   changed;        /* TRUE: the client reported a change → a new screening is needed */
} PressoScreeningConfirmation;

#define PRESSO_TYPE_SCREENING_CONFIRMATION (presso_screening_confirmation_get_type ())
GType                        presso_screening_confirmation_get_type (void) G_GNUC_CONST;
PressoScreeningConfirmation *presso_screening_confirmation_new  (gint64       screening_id,
                                                                 gboolean     changed,
                                                                 gint64       confirmed_by,
                                                                 GDateTime   *confirmed_at);
PressoScreeningConfirmation *presso_screening_confirmation_copy (const PressoScreeningConfirmation *confirmation);
void                         presso_screening_confirmation_free (PressoScreeningConfirmation *confirmation);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PressoScreeningConfirmation, presso_screening_confirmation_free)

/* Verdict for one zone. */
typedef enum
{
  PRESSO_ZONE_STATUS_CLEARED,
  PRESSO_ZONE_STATUS_NEEDS_DECISION,
  PRESSO_ZONE_STATUS_CONTRAINDICATED,
} PressoZoneStatus;

/* What the front desk may see: no answers, no reasons. */
typedef enum
{
  PRESSO_SCREENING_STATUS_MISSING,
  PRESSO_SCREENING_STATUS_VALID,
  PRESSO_SCREENING_STATUS_EXPIRED,
  PRESSO_SCREENING_STATUS_NEEDS_REVIEW,
} PressoScreeningStatus;

/* Why a zone is not simply cleared: one item on one zone. */
typedef struct
{
  PressoScreeningItem           *item;       /* (transfer none): owned by the result */
  PressoZones                    zone;       /* exactly one zone */
  PressoZoneStatus               status;     /* CONTRAINDICATED or NEEDS_DECISION */
  guint                          pressure_cap; /* 0 = none */
  const PressoScreeningDecision *decision;   /* nullable: the decision that clears it */
  PressoScreeningRequirements    requirements; /* what a session on the zone must include */
} PressoScreeningReason;

#define PRESSO_TYPE_SCREENING_RESULT (presso_screening_result_get_type ())
G_DECLARE_FINAL_TYPE (PressoScreeningResult, presso_screening_result, PRESSO, SCREENING_RESULT, GObject)

/* The zone's verdict, decisions taken into account (a decided relative reason clears). */
PressoZoneStatus  presso_screening_result_get_zone_status  (PressoScreeningResult *self,
                                                            PressoZones            zone);
/* Every reason, in rules order then zone order. (transfer none) (element-type PressoScreeningReason) */
GPtrArray        *presso_screening_result_get_reasons      (PressoScreeningResult *self);
/* The lowest pressure cap of the reasons on any of @zones; 0 when none applies. */
guint             presso_screening_result_get_pressure_cap (PressoScreeningResult *self,
                                                            PressoZones            zones);
/* What a session on any of @zones must include (pre-therapy...), from the reasons on them. */
PressoScreeningRequirements presso_screening_result_get_requirements (PressoScreeningResult *self,
                                                                      PressoZones            zones);
/* Required questions not answered (item ids, rules order). (transfer none) */
const char * const *presso_screening_result_get_missing    (PressoScreeningResult *self);

#define PRESSO_TYPE_SCREENING (presso_screening_get_type ())
G_DECLARE_FINAL_TYPE (PressoScreening, presso_screening, PRESSO, SCREENING, GObject)

/* One version of a client's screening: answers (item id → answer), who and when, and the
 * practitioners' decisions on it.  A stored screening is never changed: editing means a new
 * version (presso_screening_new_version) that the store inserts as a new row. */
PressoScreening *presso_screening_new              (gint64            client_id);
/* A copy of the answers as the next version (id 0, no decisions, screened at/by unset). */
PressoScreening *presso_screening_new_version      (PressoScreening  *self);

gint64           presso_screening_get_id           (PressoScreening  *self);
void             presso_screening_set_id           (PressoScreening  *self,
                                                    gint64            id);
gint64           presso_screening_get_client_id    (PressoScreening  *self);
int              presso_screening_get_version      (PressoScreening  *self);
void             presso_screening_set_version      (PressoScreening  *self,
                                                    int               version);
GDateTime       *presso_screening_get_screened_at  (PressoScreening  *self); /* (nullable) */
void             presso_screening_set_screened_at  (PressoScreening  *self,
                                                    GDateTime        *screened_at);
gint64           presso_screening_get_screened_by  (PressoScreening  *self);
void             presso_screening_set_screened_by  (PressoScreening  *self,
                                                    gint64            staff_id);
const char      *presso_screening_get_rules_version (PressoScreening *self); /* (nullable) */
void             presso_screening_set_rules_version (PressoScreening *self,
                                                     const char      *rules_version);

/* Checks the answer against the question (kind, plausible range, a date not in the future is
 * not checked here) and stores a copy; NULL @answer removes it.  The first answer also sets
 * the rules version when it is unset. */
gboolean         presso_screening_set_answer       (PressoScreening       *self,
                                                    PressoScreeningRules  *rules,
                                                    const char            *item_id,
                                                    const PressoScreeningAnswer *answer,
                                                    GError               **error);
/* Stores without checking (the store reading rows back; answers to questions since removed). */
void             presso_screening_take_answer      (PressoScreening       *self,
                                                    const char            *item_id,
                                                    PressoScreeningAnswer *answer);
const PressoScreeningAnswer *presso_screening_get_answer (PressoScreening *self,
                                                          const char      *item_id); /* nullable */
/* Answered item ids, sorted. (transfer container) */
GPtrArray       *presso_screening_list_answered    (PressoScreening       *self);

/* Evaluates the answers with @rules at @now (date-lifted items such as antibiotics).
 * (transfer full) */
PressoScreeningResult *presso_screening_evaluate   (PressoScreening       *self,
                                                    PressoScreeningRules  *rules,
                                                    GDateTime             *now);

/* Records a practitioner's decision on a relative reason of @zone.  Refuses (with
 * NOT_OVERRIDABLE) when the item makes the zone contraindicated (absolute or zone severity),
 * and (INVALID_DECISION) with no reason text or when the item raises no relative reason on
 * that zone at @now.  The screening keeps a copy. */
gboolean         presso_screening_add_decision     (PressoScreening               *self,
                                                    PressoScreeningRules          *rules,
                                                    const PressoScreeningDecision *decision,
                                                    GDateTime                     *now,
                                                    GError                       **error);
/* The store reading decisions back: no checks (the gate re-evaluates anyway). */
void             presso_screening_take_decision    (PressoScreening               *self,
                                                    PressoScreeningDecision       *decision);
/* (transfer none) (element-type PressoScreeningDecision) */
GPtrArray       *presso_screening_get_decisions    (PressoScreening               *self);

/* Day count rule: a screening made on day D (in @now's time zone) is valid up to and including
 * day D + @validity_days.  TRUE once past it. */
gboolean         presso_screening_is_expired       (PressoScreening *self,
                                                    GDateTime       *now,
                                                    guint            validity_days);
/* TRUE when the client's health-relevant details changed after the screening. */
gboolean         presso_screening_is_stale         (PressoScreening *self,
                                                    GDateTime       *client_changed_at);

/* The receptionist's view: MISSING (NULL @screening), EXPIRED, NEEDS_REVIEW (stale, or a
 * required question of @rules unanswered, when @rules is given), or VALID. */
PressoScreeningStatus presso_screening_get_status  (PressoScreening      *screening,
                                                    PressoScreeningRules *rules,
                                                    GDateTime            *now,
                                                    guint                 validity_days,
                                                    GDateTime            *client_changed_at);
const char      *presso_screening_status_to_label  (PressoScreeningStatus status); /* translated */
const char      *presso_zone_status_to_label       (PressoZoneStatus      status); /* translated */

G_END_DECLS
