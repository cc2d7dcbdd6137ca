/* mq-window-private.h — what the files of MqWindow share.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "mq-core.h"
#include "mq-project.h"
#include "mq-dashboard.h"
#include "mq-filter-bar.h"
#include "mq-identify-panel.h"
#include "mq-parcel-table.h"
#include "mq-locks-panel.h"
#include "mq-layer-panel.h"
#include "mq-locator.h"
#include "mq-map-view.h"
#include "mq-measure-tool.h"
#include "mq-window.h"

G_BEGIN_DECLS

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
  char                *present_summary;      /* the totals' first line … */
  char                *present_second_line;  /* … and the changes since (or the past day) */
  GCancellable        *present_changes;      /* the changes since being worked out, or NULL */
  GtkWidget           *present_parcel_card;
  GtkLabel            *present_parcel_label;
  GtkEventController  *present_keys;
  gboolean             presenting;
  int                  present_position;
  int                  present_shown;   /* the parcel N/P last showed, or -1 */
  GMenu               *saved_views_section;
  GtkStack            *stack;
  MqMapView           *map_view;
  MqMeasureTool       *measure_tool;
  MqLayerPanel        *layer_panel;
  GtkStack            *side_stack;
  GtkLabel            *status_label;
  GtkLabel            *position_label;
  GtkEntry            *scale_entry;
  GtkWidget           *map_page;
  GtkWidget           *map_buttons;
  GtkWidget           *present_overdue_label;
  MqLocator           *present_locator;
  MqViewport          *before_meeting;  /* the view Esc comes back to */
  guint32              as_of_before_meeting;  /* and the day it showed (0: today) */
  GPtrArray           *held_toasts;     /* AdwToast: held while presenting */
  GtkRevealer         *identify_revealer;
  AdwPreferencesGroup *recent_group;
  GMenu               *recent_section;
  GPtrArray           *recent_rows;
  GSettings           *settings;
  MqIdentifyPanel     *identify_panel;
  MqLocksPanel        *locks_panel;
  GtkRevealer         *banner_revealer;
  GtkLabel            *banner_label;
  GtkMenuButton       *as_of_button;
  GtkCalendar         *as_of_calendar;
  GtkWidget           *as_of_today_button;
  GtkWidget           *as_of_show_button;
  GtkRevealer         *as_of_revealer;
  GtkLabel            *as_of_label;
  GtkWidget           *as_of_banner_button;
  GtkRevealer         *offline_revealer;
  GtkLabel            *loading_label;
  GtkProgressBar      *loading_progress;
  guint                loading_progress_id;  /* the loading page's update, while shown */
  GCancellable        *save_cancellable;     /* Save as Project, while it runs */

  /* The one project the window shows; every feature follows it through
   * these groups, and talks to the others only through it. */
  MqProject           *project;
  GSignalGroup        *project_signals;
  GBindingGroup       *project_bindings;
  GtkFileChooserNative *chooser;
};

/* The hub (mq-window.c), for every feature file. */
void  _mq_window_actions_update  (MqWindow      *self);
void  _mq_window_toast           (MqWindow      *self,
                                  AdwToast      *toast);
void  _mq_window_show_problem    (MqWindow      *self,
                                  const char    *heading,
                                  const GError  *error);
GtkFileChooserNative *_mq_window_choose_save_file (MqWindow       *self,
                                                   const char     *title,
                                                   const char     *accept,
                                                   const char     *source,
                                                   const char     *extension,
                                                   GCallback       on_response,
                                                   gpointer        data,
                                                   GClosureNotify  destroy);

/* The features: each installs its actions (class) and subscribes to the
 * project (instance); none calls another. */
void  _mq_window_class_init_open    (GtkWidgetClass *widget_class);
void  _mq_window_init_open          (MqWindow       *self);
void  _mq_window_class_init_edit    (GtkWidgetClass *widget_class);
void  _mq_window_init_edit          (MqWindow       *self);
void  _mq_window_class_init_fields  (GtkWidgetClass *widget_class);
void  _mq_window_class_init_data    (GtkWidgetClass *widget_class);
void  _mq_window_init_views         (MqWindow       *self);
void  _mq_window_class_init_present (GtkWidgetClass *widget_class);
void  _mq_window_init_present       (MqWindow       *self);
void  _mq_window_class_init_saved   (GtkWidgetClass *widget_class);
void  _mq_window_init_saved         (MqWindow       *self);
void  _mq_window_class_init_survey  (GtkWidgetClass *widget_class);

G_END_DECLS
