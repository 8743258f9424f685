/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The members of one JSON object, in its order, as accounts are read from
 * them (bp_account_new_from_members()). They come either from a JsonObject,
 * or, for the flat objects the store file holds, from the text itself
 * (bp_json_members_read_flat()): for 10,000 accounts json-glib's nodes and
 * objects were most of the time the store took to read, and the time to free
 * them after (docs/performance.md). */

typedef enum
{
  BP_JSON_MEMBER_NULL,
  BP_JSON_MEMBER_STRING,
  BP_JSON_MEMBER_INTEGER,
  BP_JSON_MEMBER_DOUBLE,
  BP_JSON_MEMBER_BOOLEAN,
  BP_JSON_MEMBER_OBJECT,
  BP_JSON_MEMBER_ARRAY,
} BpJsonMemberKind;

typedef struct
{
  const char       *name;
  BpJsonMemberKind  kind;
  const char       *string;    /* BP_JSON_MEMBER_STRING */
  gint64            integer;   /* BP_JSON_MEMBER_INTEGER */
  double            real;      /* BP_JSON_MEMBER_DOUBLE */
  gboolean          boolean;   /* BP_JSON_MEMBER_BOOLEAN */
  JsonNode         *node;      /* the node it is, when read from a JsonObject */
} BpJsonMember;

typedef struct _BpJsonMembers BpJsonMembers;

BpJsonMembers      *bp_json_members_new        (void);
void                bp_json_members_free       (BpJsonMembers       *self);

/* Replaces the members with those of @object, which must outlive their use. */
void                bp_json_members_set_object (BpJsonMembers       *self,
                                                JsonObject          *object);

/* Replaces the members with those of the object from @start to @end
 * (exactly, white space aside) when it is flat: strings without \u escapes,
 * integers of up to 18 digits, true, false and null, each name once. Reads
 * exactly what bp_json_parser_load() and json-glib would, and returns FALSE
 * (and no members) on anything else, for json-glib to judge. The members
 * then hold copies of their names and strings.
 *
 * The text must be valid UTF-8 without NUL, as the store checks its whole
 * file before (bp_json_validate_utf8()): bytes from 0x80 on are copied as
 * they are, where json-glib would refuse text that is not UTF-8. */
gboolean            bp_json_members_read_flat  (BpJsonMembers       *self,
                                                const char          *start,
                                                const char          *end);

guint               bp_json_members_get_length (const BpJsonMembers *self);
const BpJsonMember *bp_json_members_get        (const BpJsonMembers *self,
                                                guint                i);
/* The member named @name, or NULL. */
const BpJsonMember *bp_json_members_lookup     (const BpJsonMembers *self,
                                                const char          *name);

/* A new object with a copy of every member (tests compare it with json-glib's). */
JsonObject         *bp_json_members_to_object  (const BpJsonMembers *self);

/* A new node with a copy of @member's value. */
JsonNode           *bp_json_member_to_node     (const BpJsonMember  *member);
/* What @member holds, for messages: "text", "a number", … (translated). */
const char         *bp_json_member_describe    (const BpJsonMember  *member);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (BpJsonMembers, bp_json_members_free)

G_END_DECLS
