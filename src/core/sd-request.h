/* sd-request.h: the parameters of one generation, and their validation
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

#include "sd-model.h"
#include "sd-types.h"

G_BEGIN_DECLS

/* One problem of a request: the API field it concerns ("model", "prompt",
 * "duration", "ratio", "resolution", "orientation", "images", "first_image",
 * "last_image", "reference_videos", "reference_audios") and a translated
 * sentence that names the rule and the allowed values. */
struct _SdProblem
{
  char *field;
  char *message;
};

#define SD_TYPE_PROBLEM (sd_problem_get_type ())
GType      sd_problem_get_type (void) G_GNUC_CONST;
SdProblem *sd_problem_new      (const char *field,
                                const char *message);
SdProblem *sd_problem_copy     (const SdProblem *problem);
void       sd_problem_free     (SdProblem *problem);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdProblem, sd_problem_free)

#define SD_TYPE_REQUEST (sd_request_get_type ())
G_DECLARE_FINAL_TYPE (SdRequest, sd_request, SD, REQUEST, GObject)

/* A duration of 0 means "unset": the API's default (5 s) applies; a value
 * the user gave (sd_request_set_explicit_duration(), even 0) is validated. */
SdRequest          *sd_request_new                  (void);
SdRequest          *sd_request_copy                 (SdRequest *self);

const char         *sd_request_get_model            (SdRequest  *self);
void                sd_request_set_model            (SdRequest  *self,
                                                     const char *model);
const char         *sd_request_get_prompt           (SdRequest  *self);
void                sd_request_set_prompt           (SdRequest  *self,
                                                     const char *prompt);
int                 sd_request_get_duration         (SdRequest  *self);
void                sd_request_set_duration         (SdRequest  *self,
                                                     int         duration);
void                sd_request_set_explicit_duration (SdRequest *self,
                                                      int        duration);
gboolean            sd_request_has_duration         (SdRequest  *self);
const char         *sd_request_get_ratio            (SdRequest  *self);
void                sd_request_set_ratio            (SdRequest  *self,
                                                     const char *ratio);
const char         *sd_request_get_resolution       (SdRequest  *self);
void                sd_request_set_resolution       (SdRequest  *self,
                                                     const char *resolution);
const char         *sd_request_get_orientation      (SdRequest  *self);
void                sd_request_set_orientation      (SdRequest  *self,
                                                     const char *orientation);
const char * const *sd_request_get_images           (SdRequest  *self);
void                sd_request_set_images           (SdRequest  *self,
                                                     const char * const *images);
void                sd_request_add_image            (SdRequest  *self,
                                                     const char *url);
const char         *sd_request_get_first_image      (SdRequest  *self);
void                sd_request_set_first_image      (SdRequest  *self,
                                                     const char *url);
const char         *sd_request_get_last_image       (SdRequest  *self);
void                sd_request_set_last_image       (SdRequest  *self,
                                                     const char *url);
const char * const *sd_request_get_reference_videos (SdRequest  *self);
void                sd_request_set_reference_videos (SdRequest  *self,
                                                     const char * const *urls);
const char * const *sd_request_get_reference_audios (SdRequest  *self);
void                sd_request_set_reference_audios (SdRequest  *self,
                                                     const char * const *urls);

/* The `seedance submit …` command line that sends @self again: every
 * field set, each value quoted for a POSIX shell (g_shell_quote), in
 * the order of `seedance submit --help`. */
char               *sd_request_to_command_line     (SdRequest  *self);

/* Every problem of @self against @model (NULL: the model id is unknown),
 * as a GPtrArray of SdProblem; empty when the request may be sent. */
GPtrArray          *sd_request_validate             (SdRequest *self,
                                                     SdModel   *model);
gboolean            sd_request_url_is_acceptable    (const char  *url,
                                                     SdUrlScheme  schemes);

G_END_DECLS
