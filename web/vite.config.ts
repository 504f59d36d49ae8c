import { readdirSync, readFileSync, existsSync } from 'node:fs'
import { fileURLToPath, URL } from 'node:url'
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import Components from 'unplugin-vue-components/vite'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'
import type { ComponentResolver } from 'unplugin-vue-components/types'

// Element Plus' main entry re-exports every component, and some of them run code at load
// time (dayjs plugins and the like) that Rollup must keep. Importing each component from
// its own folder avoids loading the others at all. This maps export names such as
// ElTableColumn to the folder module that exports them.
function elementPlusExports(): Map<string, string> {
  const dir = fileURLToPath(new URL('./node_modules/element-plus/es/components/', import.meta.url))
  const exports = new Map<string, string>()
  for (const name of readdirSync(dir)) {
    const file = `${dir}${name}/index.mjs`
    if (!existsSync(file)) continue
    for (const block of readFileSync(file, 'utf8').matchAll(/^export \{([^}]*)\}/gm)) {
      for (const item of block[1]!.split(',')) {
        const exported = item
          .trim()
          .split(/\s+as\s+/)
          .pop()
        if (exported && !exports.has(exported)) exports.set(exported, `element-plus/es/components/${name}/index.mjs`)
      }
    }
  }
  return exports
}

function elementPlusPerComponent(): ComponentResolver[] {
  const exports = elementPlusExports()
  return ElementPlusResolver({ importStyle: 'css' }).map((resolver): ComponentResolver => {
    if (typeof resolver === 'function') return resolver
    return {
      type: resolver.type,
      resolve: async (name: string) => {
        const resolved = await resolver.resolve(name)
        if (!resolved || typeof resolved === 'string') return resolved
        const from = resolved.name ? exports.get(resolved.name) : undefined
        return from && resolved.from === 'element-plus/es' ? { ...resolved, from } : resolved
      },
    }
  })
}

// The backend (`ecrm serve`) listens on 8080 by default; the dev server forwards
// everything that is not part of the UI to it so cookies stay same-origin.
const backend = process.env.ECRM_DEV_BACKEND ?? 'http://127.0.0.1:8080'

export default defineConfig({
  plugins: [
    vue(),
    // Element Plus components are imported (with their CSS) only where a template uses them.
    Components({
      resolvers: elementPlusPerComponent(),
      dts: 'src/components.d.ts',
    }),
  ],
  resolve: {
    alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
  },
  define: {
    __VUE_OPTIONS_API__: 'false',
    __VUE_PROD_DEVTOOLS__: 'false',
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
    __VUE_I18N_FULL_INSTALL__: 'false',
    __VUE_I18N_LEGACY_API__: 'false',
    __INTLIFY_PROD_DEVTOOLS__: 'false',
  },
  server: {
    proxy: {
      '/api': { target: backend, changeOrigin: false, ws: true },
      '/healthz': { target: backend, changeOrigin: false },
      '/metrics': { target: backend, changeOrigin: false },
    },
  },
  build: {
    target: 'es2020',
    chunkSizeWarningLimit: 700,
    rollupOptions: {
      // Three pages: the staff UI, the customer portal (served at /portal and /portal/*) and the
      // partner portal (served at /partner and /partner/*).
      input: {
        main: fileURLToPath(new URL('./index.html', import.meta.url)),
        portal: fileURLToPath(new URL('./portal.html', import.meta.url)),
        partner: fileURLToPath(new URL('./partner.html', import.meta.url)),
      },
      // Element Plus registers each component with withInstall(), which Rollup cannot prove
      // free of side effects, so without this every component ends up in the bundle.
      treeshake: {
        manualPureFunctions: ['withInstall', 'withInstallFunction', 'withInstallDirective', 'withNoopInstall'],
      },
      output: {
        // The framework is shared by every page; echarts only by the dashboard. Element Plus is
        // left to Rollup, which splits it by the pages that use each component.
        manualChunks(id) {
          if (!id.includes('/node_modules/')) return undefined
          if (/\/node_modules\/(echarts|zrender|vue-echarts)\//.test(id)) return 'echarts'
          if (/\/node_modules\/(@vue|vue|vue-router|vue-i18n|@intlify)\//.test(id)) return 'vue'
          return undefined
        },
      },
    },
  },
})
