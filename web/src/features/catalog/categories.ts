// The category tree built from the flat list the API returns, and the list itself for the pages
// that need it.

import { computed } from 'vue'
import { fetchAll } from '@/shared/api'
import { useResource } from '@/shared/composables/useResource'
import { catalogApi } from '@/features/catalog/api'
import type { Category } from '@/features/catalog/types'

/** The whole category list, read when `load()` is called, as a list, a tree and by id. */
export function useCategories() {
  const { data, loading, load } = useResource(() => fetchAll((page) => catalogApi.listCategories(page)), {
    lazy: true,
    keepOnError: true,
  })
  const categories = computed(() => data.value ?? [])
  const byId = computed(() => new Map(categories.value.map((c) => [c.id, c])))
  const tree = computed(() => buildCategoryTree(categories.value))
  return { categories, loading, load, byId, tree }
}

export interface CategoryNode {
  id: number
  label: string
  category: Category
  children: CategoryNode[]
}

/** Parents before children, siblings by name; categories whose parent is unknown become roots. */
export function buildCategoryTree(categories: readonly Category[]): CategoryNode[] {
  const nodes = new Map<number, CategoryNode>()
  for (const c of categories) nodes.set(c.id, { id: c.id, label: c.name, category: c, children: [] })
  const roots: CategoryNode[] = []
  for (const node of nodes.values()) {
    const parent = node.category.parent_id !== null ? nodes.get(node.category.parent_id) : undefined
    if (parent) parent.children.push(node)
    else roots.push(node)
  }
  const sort = (list: CategoryNode[]) => {
    list.sort((a, b) => a.label.localeCompare(b.label))
    for (const n of list) sort(n.children)
  }
  sort(roots)
  return roots
}

/** "Parent / Child" names of a category, for tables. */
export function categoryPath(categories: ReadonlyMap<number, Category>, id: number | null): string {
  const names: string[] = []
  const seen = new Set<number>()
  let current = id !== null ? categories.get(id) : undefined
  while (current && !seen.has(current.id)) {
    seen.add(current.id)
    names.unshift(current.name)
    current = current.parent_id !== null ? categories.get(current.parent_id) : undefined
  }
  return names.join(' / ')
}

/** The ids of a category and everything below it. */
export function descendantIds(categories: readonly Category[], id: number): Set<number> {
  const out = new Set<number>([id])
  let grew = true
  while (grew) {
    grew = false
    for (const c of categories) {
      if (c.parent_id !== null && out.has(c.parent_id) && !out.has(c.id)) {
        out.add(c.id)
        grew = true
      }
    }
  }
  return out
}
