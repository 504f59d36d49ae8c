// The whole category list, loaded once per page that needs it, as a tree and by id.

import { computed, ref } from 'vue'
import { fetchAll } from '@/shared/api'
import type { Category } from '@/features/catalog/types'
import { buildCategoryTree } from '@/features/catalog/categories'
import { catalogApi } from '@/features/catalog/api'

export function useCategories() {
  const categories = ref<Category[]>([])
  const loading = ref(false)

  async function load(): Promise<void> {
    loading.value = true
    try {
      categories.value = await fetchAll((page) => catalogApi.listCategories(page))
    } catch {
      // the client already showed the server's message
    } finally {
      loading.value = false
    }
  }

  const byId = computed(() => new Map(categories.value.map((c) => [c.id, c])))
  const tree = computed(() => buildCategoryTree(categories.value))

  return { categories, loading, load, byId, tree }
}
