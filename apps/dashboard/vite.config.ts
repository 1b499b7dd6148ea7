import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

// The agent under development (npm run demo serves one on 8080).
const agent = process.env['LAYERDECK_AGENT'] ?? 'http://127.0.0.1:8080'

export default defineConfig({
  plugins: [react()],
  resolve: { conditions: ['@layerdeck/source'] },
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    // Assets are pre-compressed by scripts/compress.ts; small ones inline is not worth a request.
    assetsInlineLimit: 2048,
    reportCompressedSize: false,
  },
  server: { proxy: { '/api': { target: agent, changeOrigin: false } } },
  preview: { proxy: { '/api': { target: agent, changeOrigin: false } } },
})
