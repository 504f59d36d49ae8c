/* ecrm live chat widget. Add it next to the tracking snippet:
 *   <script async src="https://CRM-HOST/chat.js" data-key="WRITE_KEY"></script>
 * A "Chat" button opens a panel that talks to an agent over a WebSocket, shows when the agent
 * types, and offers a form (e-mail and message, which becomes a ticket) when nobody is available.
 * The visitor is the tracking snippet's (the _ecrm_aid cookie), so an identified visitor's chat
 * lands on their customer record. API: ecrmChat.open(), ecrmChat.close(). No dependencies. */
(function (w, d) {
  'use strict';
  if (w.ecrmChat) return;
  var script = d.currentScript || d.querySelector('script[src*="/chat.js"][data-key]');
  var key = script && script.getAttribute('data-key');
  if (!key) return;
  var base = script.getAttribute('data-endpoint') || script.src.replace(/\/chat\.js([?#].*)?$/, '');
  var zh = /^zh/i.test(script.getAttribute('data-locale') || d.documentElement.lang || navigator.language || '');
  var T = zh ? { chat: '在线客服', title: '在线咨询', send: '发送', typing: '客服正在输入…', wait: '正在为您接通客服…',
    joined: ' 为您服务', off: '客服暂时不在线，请留言，我们会通过邮件回复您。', email: '邮箱', name: '称呼（可选）',
    msg: '留言内容', leave: '提交留言', thanks: '已收到您的留言，工单号 #', ended: '对话已结束。', close: '结束对话', you: '我' }
    : { chat: 'Chat', title: 'Chat with us', send: 'Send', typing: 'Agent is typing…', wait: 'Connecting you to an agent…',
    joined: ' joined the chat', off: 'Nobody can answer right now. Leave a message and we will reply by e-mail.', email: 'E-mail',
    name: 'Name (optional)', msg: 'Message', leave: 'Send message', thanks: 'Thank you, we got your message: ticket #',
    ended: 'The chat has ended.', close: 'End chat', you: 'You' };

  function cookie(name) {
    var m = d.cookie.match(new RegExp('(?:^|; )' + name + '=([^;]*)'));
    return m ? decodeURIComponent(m[1]) : '';
  }
  var aid = cookie('_ecrm_aid');
  if (!aid) {
    var a = new Uint8Array(22);
    w.crypto.getRandomValues(a);
    for (var i = 0; i < 22; i++) aid += (a[i] % 36).toString(36);
    d.cookie = '_ecrm_aid=' + aid + '; path=/; max-age=63072000; SameSite=Lax' + (location.protocol === 'https:' ? '; Secure' : '');
  }
  var url = base.replace(/^http/, 'ws') + '/api/v1/chat/visitor?key=' + encodeURIComponent(key) + '&aid=' + encodeURIComponent(aid);

  function el(tag, cls, text) {
    var e = d.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }
  var css = el('style');
  css.textContent = '.ecrm-chat-button{position:fixed;right:20px;bottom:20px;z-index:2147483000;border:0;border-radius:24px;' +
    'padding:12px 20px;background:#409eff;color:#fff;font:14px sans-serif;cursor:pointer}' +
    '.ecrm-chat-panel{position:fixed;right:20px;bottom:72px;z-index:2147483000;width:320px;max-width:calc(100vw - 40px);height:420px;' +
    'display:flex;flex-direction:column;background:#fff;border:1px solid #dcdfe6;border-radius:8px;font:14px sans-serif;box-shadow:0 4px 16px rgba(0,0,0,.15)}' +
    '.ecrm-chat-head{padding:10px 12px;background:#409eff;color:#fff;border-radius:8px 8px 0 0;display:flex;justify-content:space-between}' +
    '.ecrm-chat-head button{background:none;border:0;color:#fff;cursor:pointer}' +
    '.ecrm-chat-log{flex:1;overflow:auto;padding:8px}.ecrm-chat-msg{margin:4px 0;padding:6px 10px;border-radius:6px;max-width:80%;white-space:pre-wrap;word-wrap:break-word}' +
    '.ecrm-from-visitor{background:#ecf5ff;margin-left:auto}.ecrm-from-agent{background:#f4f4f5}.ecrm-chat-note{color:#909399;font-size:12px;margin:4px 0}' +
    '.ecrm-chat-typing{color:#909399;font-size:12px;padding:0 8px;min-height:16px}' +
    '.ecrm-chat-bar{display:flex;border-top:1px solid #eee}.ecrm-chat-input{flex:1;border:0;padding:10px;font:inherit}' +
    '.ecrm-chat-send{border:0;background:#409eff;color:#fff;padding:0 14px;cursor:pointer}' +
    '.ecrm-chat-offline{display:flex;flex-direction:column;gap:6px;padding:8px;border-top:1px solid #eee}' +
    '.ecrm-chat-offline input,.ecrm-chat-offline textarea{font:inherit;padding:6px;border:1px solid #dcdfe6;border-radius:4px}';
  d.head.appendChild(css);

  var button = el('button', 'ecrm-chat-button', T.chat);
  var panel = el('div', 'ecrm-chat-panel');
  panel.style.display = 'none';
  var head = el('div', 'ecrm-chat-head');
  head.appendChild(el('span', '', T.title));
  var end = el('button', 'ecrm-chat-end', T.close);
  head.appendChild(end);
  var log = el('div', 'ecrm-chat-log');
  var typing = el('div', 'ecrm-chat-typing');
  var bar = el('form', 'ecrm-chat-bar');
  var input = el('input', 'ecrm-chat-input');
  input.maxLength = 4000;
  bar.appendChild(input);
  bar.appendChild(el('button', 'ecrm-chat-send', T.send));
  var off = el('form', 'ecrm-chat-offline');
  off.style.display = 'none';
  off.appendChild(el('div', 'ecrm-chat-note', T.off));
  var fEmail = el('input'), fName = el('input'), fText = el('textarea');
  fEmail.type = 'email'; fEmail.name = 'email'; fEmail.required = true; fEmail.placeholder = T.email;
  fName.name = 'name'; fName.placeholder = T.name;
  fText.name = 'text'; fText.required = true; fText.placeholder = T.msg; fText.rows = 3;
  off.appendChild(fEmail); off.appendChild(fName); off.appendChild(fText);
  off.appendChild(el('button', 'ecrm-chat-send', T.leave));
  panel.appendChild(head); panel.appendChild(log); panel.appendChild(typing); panel.appendChild(bar); panel.appendChild(off);

  var ws = null, open = false, shown = {}, retry = 1000, typingSent = false, typingTimer = 0, conversation = null;

  function note(text) { log.appendChild(el('div', 'ecrm-chat-note', text)); log.scrollTop = log.scrollHeight; }
  function show(m) {
    if (shown[m.id]) return;
    shown[m.id] = 1;
    var e = el('div', 'ecrm-chat-msg ecrm-from-' + m.from, m.text);
    e.title = m.from === 'agent' ? m.agent : T.you;
    log.appendChild(e);
    log.scrollTop = log.scrollHeight;
    if (m.from === 'agent') { typing.textContent = ''; send({ type: 'read', id: m.id }); }
  }
  function offline(on) { off.style.display = on ? '' : 'none'; bar.style.display = on ? 'none' : ''; }
  function send(frame) { if (ws && ws.readyState === 1) ws.send(JSON.stringify(frame)); }
  function connect() {
    ws = new WebSocket(url);
    ws.onopen = function () { retry = 1000; };
    ws.onmessage = function (e) {
      var f = JSON.parse(e.data);
      if (f.type === 'welcome') {
        if (f.conversation) {
          conversation = f.conversation.id;
          f.conversation.messages.forEach(show);
          if (f.conversation.agent) note(f.conversation.agent + T.joined);
        }
        offline(!f.online && !f.conversation);
      } else if (f.type === 'waiting') { conversation = f.conversation; note(T.wait); }
      else if (f.type === 'assigned') { conversation = f.conversation; offline(false); note(f.agent + T.joined); }
      else if (f.type === 'message') show(f.message);
      else if (f.type === 'typing') typing.textContent = f.on ? T.typing : '';
      else if (f.type === 'offline') offline(true);
      else if (f.type === 'closed') { conversation = null; shown = {}; typing.textContent = ''; note(T.ended); }
      else if (f.type === 'ticket') { offline(false); note(T.thanks + f.id); }
      else if (f.type === 'error') note(f.message);
    };
    ws.onclose = function () {
      ws = null;
      if (open) { setTimeout(function () { if (open && !ws) connect(); }, retry); retry = Math.min(retry * 2, 30000); }
    };
  }
  function setOpen(on) {
    open = on;
    panel.style.display = on ? '' : 'none';
    if (on && !ws) connect();
    if (on) input.focus();
  }
  bar.onsubmit = function (e) {
    e.preventDefault();
    var text = input.value.trim();
    if (!text) return;
    send({ type: 'message', text: text });
    input.value = '';
    if (typingSent) { typingSent = false; send({ type: 'typing', on: false }); }
  };
  input.oninput = function () {
    if (!typingSent) { typingSent = true; send({ type: 'typing', on: true }); }
    clearTimeout(typingTimer);
    typingTimer = setTimeout(function () { typingSent = false; send({ type: 'typing', on: false }); }, 2000);
  };
  off.onsubmit = function (e) {
    e.preventDefault();
    send({ type: 'leave_message', email: fEmail.value.trim(), name: fName.value.trim(), text: fText.value.trim() });
    fText.value = '';
  };
  end.onclick = function () { if (conversation) send({ type: 'close' }); };
  button.onclick = function () { setOpen(!open); };
  function mount() { d.body.appendChild(button); d.body.appendChild(panel); }
  if (d.body) mount(); else d.addEventListener('DOMContentLoaded', mount);
  w.ecrmChat = { open: function () { setOpen(true); }, close: function () { setOpen(false); } };
})(window, document);
