// The agent's side of the live chat: one WebSocket to /api/v1/chat/agent (the session cookie goes
// with it), the conversations it holds, and the frames of the chat protocol
// (src/service/chat_protocol.hpp). Reconnects with a growing delay while the page is open.

import { computed, reactive, ref } from 'vue'

export interface ChatMessage {
  id: number
  from: 'visitor' | 'agent' | 'system'
  text: string
  at: number
  agent?: string
}

export interface Conversation {
  id: number
  state: string
  customer_id: number | null
  visitor_name: string
  visitor_email: string
  agent: string
  visitor_present: boolean
  started_at: number
  messages: ChatMessage[]
  /** Client-side: the visitor is typing, unread count, the last own message the visitor read. */
  typing: boolean
  unread: number
  readUpTo: number
}

type Frame = Record<string, unknown> & { type: string }

export function useAgentChat(onClosed: (c: Conversation) => void) {
  const status = ref<'available' | 'away'>('away')
  const connection = ref<'connecting' | 'connected' | 'disconnected'>('connecting')
  const maxConcurrent = ref(0)
  const conversations = reactive(new Map<number, Conversation>())
  const selected = ref<number | null>(null)
  let socket: WebSocket | null = null
  let retry = 1000
  let stopped = false
  let timer: number | undefined

  const list = computed(() => [...conversations.values()].sort((a, b) => a.started_at - b.started_at))
  const current = computed(() => (selected.value === null ? undefined : conversations.get(selected.value)))

  function adopt(raw: Omit<Conversation, 'typing' | 'unread' | 'readUpTo'>) {
    const c: Conversation = { ...raw, typing: false, unread: 0, readUpTo: 0 }
    conversations.set(c.id, c)
    if (selected.value === null) selected.value = c.id
  }

  function send(frame: Frame) {
    if (socket?.readyState === WebSocket.OPEN) socket.send(JSON.stringify(frame))
  }

  function onFrame(f: Frame) {
    const id = typeof f.conversation === 'number' ? f.conversation : null
    const c = id === null ? undefined : conversations.get(id)
    switch (f.type) {
      case 'welcome':
        status.value = f.status === 'available' ? 'available' : 'away'
        maxConcurrent.value = Number(f.max_concurrent ?? 0)
        conversations.clear()
        for (const raw of f.conversations as Conversation[]) adopt(raw)
        if (selected.value !== null && !conversations.has(selected.value)) selected.value = list.value[0]?.id ?? null
        break
      case 'status':
        status.value = f.status === 'available' ? 'available' : 'away'
        break
      case 'assigned':
        adopt(f.conversation as Conversation)
        break
      case 'message':
        if (c) {
          const m = f.message as ChatMessage
          if (!c.messages.some((x) => x.id === m.id)) c.messages.push(m)
          if (m.from === 'visitor') {
            c.typing = false
            if (selected.value === c.id) send({ type: 'read', conversation: c.id, id: m.id })
            else c.unread += 1
          }
        }
        break
      case 'typing':
        if (c && f.from === 'visitor') c.typing = Boolean(f.on)
        break
      case 'read':
        if (c && f.from === 'visitor') c.readUpTo = Number(f.id)
        break
      case 'presence':
        if (c) c.visitor_present = Boolean(f.present)
        break
      case 'closed':
        if (c) {
          conversations.delete(c.id)
          if (selected.value === c.id) selected.value = list.value[0]?.id ?? null
          onClosed(c)
        }
        break
    }
  }

  function connect() {
    if (stopped) return
    connection.value = 'connecting'
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:'
    socket = new WebSocket(`${scheme}//${location.host}/api/v1/chat/agent`)
    socket.onopen = () => {
      connection.value = 'connected'
      retry = 1000
    }
    socket.onmessage = (e: MessageEvent<string>) => onFrame(JSON.parse(e.data) as Frame)
    socket.onclose = () => {
      socket = null
      if (stopped) return
      connection.value = 'disconnected'
      timer = window.setTimeout(connect, retry)
      retry = Math.min(retry * 2, 30000)
    }
  }

  function select(id: number) {
    selected.value = id
    const c = conversations.get(id)
    if (c && c.unread > 0) {
      c.unread = 0
      const last = [...c.messages].reverse().find((m) => m.from === 'visitor')
      if (last) send({ type: 'read', conversation: id, id: last.id })
    }
  }

  return {
    status,
    connection,
    maxConcurrent,
    list,
    current,
    selected,
    start: connect,
    stop() {
      stopped = true
      window.clearTimeout(timer)
      socket?.close()
    },
    select,
    setStatus: (available: boolean) => send({ type: 'status', status: available ? 'available' : 'away' }),
    reply: (id: number, text: string) => send({ type: 'message', conversation: id, text }),
    typing: (id: number, on: boolean) => send({ type: 'typing', conversation: id, on }),
    close: (id: number) => send({ type: 'close', conversation: id }),
  }
}
