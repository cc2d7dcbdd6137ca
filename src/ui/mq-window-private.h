/* mq-window-private.h — what the files of MqWindow share.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mq-core.h"
#include "mq-dashboard.h"
#include "mq-filter-bar.h"
#include "mq-identify-panel.h"
#include "mq-parcel-table.h"
#include "mq-locks-panel.h"
#include "mq-window.h"

G_BEGIN_DECLS

/* What the user asked to open, and the answers given on the way (which
 * layer, which CRS, which encoding, whether a damaged file may be opened). */
typedef struct
{
  char     *path;
  char     *crs;
  char     *encoding;
  char     *layer;
  char     *field_mapping;
  gboolean  allow_partial;
} MqOpenRequest;

struct _MqWindow
{
  AdwApplicationWindow parent_instance;

  AdwToastOverlay     *toast_overlay;
  AdwViewSwitcherTitle *window_title;
  MqFilterBar         *filter_bar;
  AdwViewStack        *view_stack;
  GtkOverlay          *map_overlay;
  MqParcelTable       *parcel_table;
  MqDashboard         *dashboard;
  GtkWidget           *header_bar;
  GtkWidget           *status_bar;
  GtkWidget           *present_title_card;
  GtkLabel            *present_title;
  GtkLabel            *present_totals;
  GtkWidget           *present_parcel_card;
  GtkLabel            *present_parcel_label;
  GtkEventController  *present_keys;
  gboolean             presenting;
  int                  present_position;
  GMenu               *saved_views_section;
  GtkStack            *stack;
  MqMapView           *map_view;
  GtkLabel            *status_label;
  GtkLabel            *position_label;
  GtkRevealer         *identify_revealer;
  AdwPreferencesGroup *recent_group;
  GMenu               *recent_section;
  GPtrArray           *recent_rows;
  GSettings           *settings;
  MqIdentifyPanel     *identify_panel;
  MqLocksPanel        *locks_panel;
  GtkRevealer         *banner_revealer;
  GtkLabel            *banner_label;

  MqStore             *store;
  guint                watch_id;

  GCancellable        *load_cancellable;
  MqOpenRequest       *request;
  GtkFileChooserNative *chooser;
};

void  _mq_open_request_free      (MqOpenRequest *request);
void  _mq_window_load            (MqWindow      *self,
                                  MqOpenRequest *request);
void  _mq_window_set_encoding    (MqWindow      *self,
                                  const char    *encoding);
const char *_mq_window_get_encoding (MqWindow   *self);
/* Actions (GtkWidgetActionActivateFunc), each in the file of its feature. */
void  _mq_window_edit_fields     (GtkWidget     *widget,
                                  const char    *action_name,
                                  GVariant      *parameter);
void  _mq_window_save_project    (GtkWidget     *widget,
                                  const char    *action_name,
                                  GVariant      *parameter);
void  _mq_window_show_problems   (GtkWidget     *widget,
                                  const char    *action_name,
                                  GVariant      *parameter);
void  _mq_window_export_csv      (GtkWidget     *widget,
                                  const char    *action_name,
                                  GVariant      *parameter);
void  _mq_window_export_pdf      (GtkWidget     *widget,
                                  const char    *action_name,
                                  GVariant      *parameter);
void  _mq_window_open_uri        (GtkWidget     *widget,
                                  const char    *action_name,
                                  GVariant      *parameter);
void  _mq_window_attach_store    (MqWindow      *self,
                                  MqDataset     *dataset);
void  _mq_window_detach_store    (MqWindow      *self);
void  _mq_window_init_editing    (MqWindow      *self);
void  _mq_window_init_views      (MqWindow      *self);
void  _mq_window_show_in_views   (MqWindow      *self,
                                  MqDataset     *dataset);
void  _mq_window_views_data_changed (MqWindow   *self);
void  _mq_window_init_present    (MqWindow      *self);
void  _mq_window_show_saved_views (MqWindow     *self);
void  _mq_window_goto_view       (GtkWidget     *widget,
                                  const char    *action_name,
                                  GVariant      *parameter);
void  _mq_window_ask_view_name   (GtkWidget     *widget,
                                  const char    *action_name,
                                  GVariant      *parameter);
void  _mq_window_present_data_changed (MqWindow *self);
void  _mq_window_update_status   (MqWindow      *self,
                                  MqDataset     *dataset);
void  _mq_window_toast           (MqWindow      *self,
                                  const char    *text);
void  _mq_window_choose_status_table (GtkWidget *widget,
                                      const char *action_name,
                                      GVariant  *parameter);
void  _mq_window_undo            (GtkWidget     *widget,
                                  const char    *action_name,
                                  GVariant      *parameter);
void  _mq_window_redo            (GtkWidget     *widget,
                                  const char    *action_name,
                                  GVariant      *parameter);
void  _mq_window_remember        (MqWindow      *self,
                                  const char    *path);
void  _mq_window_show_error      (MqWindow      *self,
                                  const GError  *error);
void  _mq_window_show_problem    (MqWindow      *self,
                                  const char    *heading,
                                  const GError  *error);
GtkFileChooserNative *_mq_window_choose_save_file (MqWindow   *self,
                                                   const char *title,
                                                   const char *accept,
                                                   const char *source,
                                                   const char *extension,
                                                   GCallback   on_response);

G_END_DECLS
