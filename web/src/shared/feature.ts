// What a section of the UI declares (features/<section>/index.ts): its pages, each with the scope it
// needs and its menu entry, and its texts. The router, the menu and i18n are built from the list in
// features/index.ts.

import type { Component } from 'vue'
import type { RouteRecordRaw } from 'vue-router'

/** A page's menu entry. Its data-testid is `nav-<last part of label>`. */
export interface NavEntry {
  /** i18n key of the entry, e.g. 'customers.nav.customerList'. */
  label: string
  /** Position among its siblings (the top level, or the section's sub-menu). */
  order: number
  /** Shown at the top level only. */
  icon?: Component
}

declare module 'vue-router' {
  interface RouteMeta {
    /** i18n key of the page title. */
    titleKey?: string
    /** Pages reachable without a session. */
    public?: boolean
    /** The scope the page needs (any one of a list); any signed-in user when absent. */
    scope?: string | readonly string[]
    nav?: NavEntry
    /** Menu entry to highlight when it is not the page's own path (e.g. a detail page). */
    menu?: string
  }
}

export interface Feature {
  /** The section's i18n namespace. */
  name: string
  /** Pages inside the main layout (paths relative to '/'). */
  routes: RouteRecordRaw[]
  /** Pages outside the layout (e.g. the sign-in page). */
  outerRoutes?: RouteRecordRaw[]
  /** When set, the section's menu entries form a sub-menu with this title (data-testid `nav-<last part of label>`). */
  menu?: NavEntry & { icon: Component }
  messages: { en: object; 'zh-CN': object }
}
