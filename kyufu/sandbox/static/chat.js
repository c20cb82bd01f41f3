// Kyufu LINE sandbox chat page: plays the resident, renders what the bot sends.
// Talks to the sandbox's /sandbox/api/* endpoints; every action becomes a signed
// webhook event on the server side. No libraries, no innerHTML with data.
"use strict";

(function () {
  const STORE_RESIDENTS = "kyufu.sandbox.residents";
  const STORE_CURRENT = "kyufu.sandbox.current";
  const POLL_MS = 500;
  const SPACING = { none: 0, xs: 2, sm: 4, md: 8, lg: 12, xl: 16, xxl: 20 };
  const TEXT_SIZE = {
    xxs: 11, xs: 13, sm: 14, md: 16, lg: 19, xl: 22, xxl: 29,
    "3xl": 35, "4xl": 48, "5xl": 74,
  };
  const IMAGE_SIZE = {
    xxs: 40, xs: 60, sm: 80, md: 100, lg: 120, xl: 140, xxl: 160,
    "3xl": 180, "4xl": 200, "5xl": 240,
  };

  const $ = (testid) => document.querySelector(`[data-testid="${testid}"]`);
  const messages = $("messages");
  const quickReplies = $("quick-replies");
  const picker = $("date-picker");
  const pickerInput = $("date-input");
  const followButton = $("follow-button");
  const residentSelect = $("resident-select");
  const residentName = $("resident-name");
  const messageInput = $("message-input");

  let resident = null;
  let lastIndex = 0;
  let following = false;
  let pickerAction = null;
  let pollTimer = null;
  let polling = false;
  let generation = 0;
  let typingTimer = null;

  // Residents ----------------------------------------------------------------

  function randomUserId() {
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return "U" + Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }

  function loadResidents() {
    try {
      const stored = JSON.parse(localStorage.getItem(STORE_RESIDENTS) || "[]");
      return Array.isArray(stored) ? stored : [];
    } catch (error) {
      return [];
    }
  }

  function saveResidents(residents) {
    localStorage.setItem(STORE_RESIDENTS, JSON.stringify(residents));
  }

  function addResident(userId, displayName) {
    const residents = loadResidents();
    let found = residents.find((r) => r.userId === userId);
    if (!found) {
      found = { userId, displayName: displayName || `住民${residents.length + 1}` };
      residents.push(found);
    } else if (displayName) {
      found.displayName = displayName;
    }
    saveResidents(residents);
    return found;
  }

  function renderResidentChoices() {
    residentSelect.replaceChildren();
    for (const r of loadResidents()) {
      const option = document.createElement("option");
      option.value = r.userId;
      option.textContent = r.displayName;
      option.selected = resident && r.userId === resident.userId;
      residentSelect.append(option);
    }
  }

  function selectResident(userId) {
    resident = loadResidents().find((r) => r.userId === userId) || addResident(userId);
    localStorage.setItem(STORE_CURRENT, resident.userId);
    residentName.value = resident.displayName;
    document.body.dataset.userId = resident.userId;
    renderResidentChoices();
    generation += 1;
    lastIndex = 0;
    messages.replaceChildren(emptyNote());
    setQuickReplies(null);
    closePicker();
    schedulePoll(0);
  }

  function emptyNote() {
    const p = document.createElement("p");
    p.className = "empty";
    p.dataset.testid = "empty-note";
    p.textContent = "友だち追加すると、トークが始まります。";
    return p;
  }

  // Server API ---------------------------------------------------------------

  async function sendEvent(event) {
    const body = Object.assign({ userId: resident.userId }, event);
    schedulePoll(150);
    try {
      const response = await fetch("/sandbox/api/events", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
      const result = await response.json();
      if (!response.ok) {
        localNote(`送信できませんでした：${result.message || response.status}`);
      }
      return result.webhookStatus;
    } catch (error) {
      localNote("サンドボックスに接続できません");
      return 0;
    } finally {
      schedulePoll(0);
    }
  }

  function sendText(text) {
    setQuickReplies(null);
    return sendEvent({ kind: "text", text });
  }

  function sendPostback(data, params, displayText) {
    setQuickReplies(null);
    const event = { kind: "postback", data };
    if (params) event.params = params;
    if (displayText) event.displayText = displayText;
    return sendEvent(event);
  }

  function schedulePoll(delay) {
    clearTimeout(pollTimer);
    pollTimer = setTimeout(poll, delay);
  }

  async function poll() {
    if (polling) {
      schedulePoll(100);
      return;
    }
    polling = true;
    const asked = generation;
    try {
      const url = `/sandbox/api/transcript?userId=${encodeURIComponent(resident.userId)}&after=${lastIndex}`;
      const response = await fetch(url);
      if (response.ok && asked === generation) {
        const data = await response.json();
        setFollowing(data.following);
        for (const entry of data.entries) {
          renderEntry(entry);
          lastIndex = entry.index;
        }
      }
    } catch (error) {
      // The sandbox restarted or is gone; keep polling quietly.
    } finally {
      polling = false;
      schedulePoll(POLL_MS);
    }
  }

  async function loadConfig() {
    try {
      const response = await fetch("/sandbox/api/config");
      const config = await response.json();
      $("account-name").textContent = config.accountName;
      document.title = `${config.accountName} - LINE サンドボックス`;
    } catch (error) {
      localNote("サンドボックスに接続できません");
    }
  }

  // Transcript -----------------------------------------------------------------

  function setFollowing(value) {
    following = Boolean(value);
    followButton.textContent = following ? "ブロック" : "友だち追加";
    followButton.dataset.state = following ? "following" : "not-following";
  }

  function clock(timestamp) {
    const date = new Date(timestamp);
    return `${date.getHours()}:${String(date.getMinutes()).padStart(2, "0")}`;
  }

  function append(node) {
    const empty = messages.querySelector(".empty");
    if (empty) empty.remove();
    const nearBottom = messages.scrollHeight - messages.scrollTop - messages.clientHeight < 80;
    messages.append(node);
    if (nearBottom || node.classList.contains("user")) {
      messages.scrollTop = messages.scrollHeight;
    }
    requestAnimationFrame(() => { messages.scrollTop = messages.scrollHeight; });
  }

  function note(text, level) {
    const p = document.createElement("p");
    p.className = `note ${level || "info"}`;
    p.dataset.testid = level === "error" ? "note-error" : "note";
    p.textContent = text;
    append(p);
  }

  function localNote(text) {
    note(text, "error");
  }

  function row(side, content, entry) {
    const div = document.createElement("div");
    div.className = `row ${side}`;
    const time = document.createElement("span");
    time.className = "time";
    time.textContent = entry ? clock(entry.timestamp) : "";
    if (side === "bot") {
      const avatar = document.createElement("span");
      avatar.className = "avatar";
      avatar.textContent = ($("account-name").textContent || "L").slice(0, 1);
      div.append(avatar, content, time);
    } else {
      div.append(time, content);
    }
    return div;
  }

  function bubble(side, className) {
    const div = document.createElement("div");
    div.className = `bubble bubble-${side}${className ? " " + className : ""}`;
    div.dataset.testid = `bubble-${side}`;
    return div;
  }

  function userBubble(text, entry, kind) {
    const b = bubble("user");
    b.textContent = text;
    b.dataset.kind = kind;
    append(row("user", b, entry));
  }

  function renderEntry(entry) {
    if (entry.from === "resident") renderResident(entry);
    else if (entry.from === "bot") renderBot(entry);
    else if (entry.kind === "loading") showTyping(Number(entry.text) || 20);
    else note(entry.text, entry.level);
  }

  function renderResident(entry) {
    const message = entry.message || {};
    if (entry.kind === "follow") {
      note("友だち追加しました");
    } else if (entry.kind === "unfollow") {
      note("ブロックしました");
    } else if (entry.kind === "text") {
      userBubble(message.text, entry, "text");
    } else if (entry.kind === "image") {
      userBubble("📷 写真", entry, "image");
    } else if (entry.kind === "postback") {
      const params = message.params || {};
      const shown = message.displayText || params.date || params.time || params.datetime;
      if (shown) userBubble(shown, entry, "postback");
    }
    setQuickReplies(null);
  }

  function renderBot(entry) {
    hideTyping();
    const message = entry.message;
    const content = renderMessage(message);
    content.dataset.endpoint = entry.endpoint || "";
    append(row("bot", content, entry));
    setQuickReplies(message.quickReply ? message.quickReply.items : null);
  }

  function showTyping(seconds) {
    hideTyping();
    const b = bubble("bot", "typing");
    b.dataset.testid = "typing";
    b.append(document.createElement("span"), document.createElement("span"),
      document.createElement("span"));
    const r = row("bot", b, null);
    r.classList.add("typing-row");
    append(r);
    typingTimer = setTimeout(hideTyping, seconds * 1000);
  }

  function hideTyping() {
    clearTimeout(typingTimer);
    for (const node of messages.querySelectorAll(".typing-row")) node.remove();
  }

  // Message objects ----------------------------------------------------------

  function renderMessage(message) {
    switch (message.type) {
      case "text":
      case "textV2": {
        const b = bubble("bot");
        b.textContent = message.text;
        return b;
      }
      case "image": {
        const b = bubble("bot", "card");
        const img = document.createElement("img");
        img.className = "photo";
        img.src = message.previewImageUrl || message.originalContentUrl;
        img.alt = "画像";
        b.append(img);
        return b;
      }
      case "sticker": {
        const b = bubble("bot");
        b.textContent = "［スタンプ］";
        return b;
      }
      case "template":
        return renderTemplate(message);
      case "flex": {
        const b = bubble("bot", "wide");
        b.dataset.altText = message.altText || "";
        b.append(renderFlexContainer(message.contents));
        return b;
      }
      default: {
        const b = bubble("bot");
        b.textContent = `［${message.type}］${message.altText || ""}`;
        return b;
      }
    }
  }

  function renderTemplate(message) {
    const template = message.template || {};
    if (template.type === "carousel" || template.type === "image_carousel") {
      const b = bubble("bot", "wide");
      const strip = document.createElement("div");
      strip.className = "carousel";
      for (const column of template.columns || []) {
        if (template.type === "image_carousel") {
          strip.append(imageColumn(column));
        } else {
          strip.append(templateCard("buttons", column, column.actions || []));
        }
      }
      b.append(strip);
      return b;
    }
    const card = templateCard(template.type, template, template.actions || []);
    const b = bubble("bot", "card");
    b.append(card);
    return b;
  }

  function templateCard(kind, spec, actions) {
    const card = document.createElement("div");
    card.className = `template ${kind}`;
    if (spec.thumbnailImageUrl) {
      const img = document.createElement("img");
      img.className = "thumb";
      img.src = spec.thumbnailImageUrl;
      img.alt = "";
      if (spec.imageAspectRatio === "square") img.style.aspectRatio = "1";
      if (spec.imageSize === "contain") img.style.objectFit = "contain";
      if (spec.imageBackgroundColor) img.style.background = spec.imageBackgroundColor;
      card.append(img);
    }
    if (spec.title) {
      const title = document.createElement("div");
      title.className = "t-title";
      title.textContent = spec.title;
      card.append(title);
    }
    const text = document.createElement("div");
    text.className = "t-text";
    text.textContent = spec.text || "";
    card.append(text);
    if (spec.defaultAction) {
      card.classList.add("flex-clickable");
      card.addEventListener("click", (event) => {
        if (event.target === card || event.target === text) runAction(spec.defaultAction);
      });
    }
    const list = document.createElement("div");
    list.className = "t-actions";
    for (const action of actions) {
      const button = actionButton(action, "t-action");
      list.append(button);
    }
    card.append(list);
    return card;
  }

  function imageColumn(column) {
    const card = document.createElement("div");
    card.className = "template image-column";
    const img = document.createElement("img");
    img.className = "thumb";
    img.src = column.imageUrl;
    img.alt = "";
    card.append(img);
    if (column.action) {
      card.append(actionButton(column.action, "t-action"));
    }
    return card;
  }

  function actionButton(action, className) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = className;
    button.dataset.testid = "action-button";
    button.dataset.actionType = action.type;
    button.textContent = action.label || "";
    button.addEventListener("click", () => runAction(action));
    return button;
  }

  // Flex -------------------------------------------------------------------------

  function renderFlexContainer(container) {
    if (!container) return document.createElement("div");
    if (container.type === "carousel") {
      const strip = document.createElement("div");
      strip.className = "carousel";
      for (const b of container.contents || []) strip.append(renderFlexBubble(b));
      return strip;
    }
    return renderFlexBubble(container);
  }

  function renderFlexBubble(spec) {
    const node = document.createElement("div");
    node.className = `flex-bubble ${spec.size || "mega"}`;
    node.dataset.testid = "flex-bubble";
    const styles = spec.styles || {};
    for (const block of ["header", "hero", "body", "footer"]) {
      if (!spec[block]) continue;
      const wrapper = document.createElement("div");
      wrapper.className = `flex-block ${block}`;
      const style = styles[block] || {};
      if (style.backgroundColor) wrapper.style.background = style.backgroundColor;
      if (style.separator && block !== "header") {
        wrapper.style.borderTop = `1px solid ${style.separatorColor || "#e3e6ea"}`;
      }
      const root = renderComponent(spec[block], null, true);
      if (block !== "hero" && spec[block].type === "box" && !hasPadding(spec[block])) {
        root.style.padding = block === "footer" ? "10px 16px" : "16px";
      }
      if (!root.style.background && style.backgroundColor) {
        root.style.background = style.backgroundColor;
      }
      wrapper.append(root);
      node.append(wrapper);
    }
    if (spec.action) clickable(node, spec.action);
    return node;
  }

  function hasPadding(spec) {
    return ["paddingAll", "paddingTop", "paddingBottom", "paddingStart", "paddingEnd"]
      .some((key) => spec[key] !== undefined);
  }

  function px(value, table) {
    if (value === undefined || value === null) return null;
    if (table && value in table) return `${table[value]}px`;
    return String(value);
  }

  function applyBoxModel(node, spec) {
    const padding = px(spec.paddingAll, SPACING);
    if (padding) node.style.padding = padding;
    for (const side of ["Top", "Bottom", "Start", "End"]) {
      const value = px(spec[`padding${side}`], SPACING);
      const css = side === "Start" ? "Left" : side === "End" ? "Right" : side;
      if (value) node.style[`padding${css}`] = value;
    }
    if (spec.backgroundColor) node.style.background = spec.backgroundColor;
    if (spec.borderColor || spec.borderWidth) {
      const width = { none: "0", light: "0.5px", normal: "1px", medium: "2px",
        "semi-bold": "3px", bold: "4px" }[spec.borderWidth] || spec.borderWidth || "1px";
      node.style.border = `${width} solid ${spec.borderColor || "#e3e6ea"}`;
    }
    const radius = px(spec.cornerRadius, SPACING);
    if (radius) node.style.borderRadius = radius;
    if (spec.width) node.style.width = spec.width;
    if (spec.height) node.style.height = spec.height;
    if (spec.justifyContent) node.style.justifyContent = spec.justifyContent;
    if (spec.alignItems) node.style.alignItems = spec.alignItems;
    if (spec.offsetTop || spec.offsetStart || spec.position === "absolute") {
      node.style.position = spec.position || "relative";
      if (spec.offsetTop) node.style.top = px(spec.offsetTop, SPACING);
      if (spec.offsetStart) node.style.left = px(spec.offsetStart, SPACING);
    }
  }

  function placeInParent(node, spec, parentLayout, first) {
    const horizontal = parentLayout !== "vertical";
    const flex = spec.flex !== undefined ? spec.flex : horizontal ? 1 : 0;
    if (spec.type === "filler") {
      node.style.flex = String(spec.flex !== undefined ? spec.flex : 1);
    } else if (flex > 0) {
      node.style.flex = `${flex} ${flex} 0`;
    } else {
      node.style.flex = "0 0 auto";
    }
    const margin = px(spec.margin, SPACING);
    if (margin && !first) {
      node.style[horizontal ? "marginLeft" : "marginTop"] = margin;
    }
    if (spec.gravity) {
      node.style.alignSelf = { top: "flex-start", bottom: "flex-end", center: "center" }[spec.gravity];
    }
  }

  function renderComponent(spec, parentLayout, first) {
    let node;
    switch (spec.type) {
      case "box": node = renderBox(spec); break;
      case "text": node = renderText(spec); break;
      case "separator": node = renderSeparator(spec); break;
      case "spacer": node = renderSpacer(spec); break;
      case "filler": node = document.createElement("div"); break;
      case "image": node = renderImage(spec); break;
      case "icon": node = renderIcon(spec); break;
      case "button": node = renderButton(spec); break;
      default: node = document.createElement("div");
    }
    if (parentLayout) placeInParent(node, spec, parentLayout, first);
    if (spec.action && spec.type !== "button") clickable(node, spec.action);
    return node;
  }

  function renderBox(spec) {
    const node = document.createElement("div");
    const layout = spec.layout || "vertical";
    node.className = `flex-box ${layout}`;
    applyBoxModel(node, spec);
    const gap = px(spec.spacing, SPACING);
    (spec.contents || []).forEach((child, index) => {
      const childNode = renderComponent(child, layout, index === 0);
      if (gap && index > 0 && !child.margin) {
        childNode.style[layout === "vertical" ? "marginTop" : "marginLeft"] = gap;
      }
      node.append(childNode);
    });
    return node;
  }

  function styleText(node, spec) {
    const size = px(spec.size, TEXT_SIZE);
    if (size) node.style.fontSize = size;
    if (spec.weight === "bold") node.style.fontWeight = "bold";
    if (spec.color) node.style.color = spec.color;
    if (spec.style === "italic") node.style.fontStyle = "italic";
    if (spec.decoration === "underline") node.style.textDecoration = "underline";
    if (spec.decoration === "line-through") node.style.textDecoration = "line-through";
  }

  function renderText(spec) {
    const node = document.createElement("div");
    node.className = `flex-text ${spec.wrap ? "wrap" : "nowrap"}`;
    styleText(node, spec);
    if (spec.align) {
      node.style.textAlign = { start: "left", end: "right", center: "center" }[spec.align];
    }
    if (spec.maxLines) {
      node.style.display = "-webkit-box";
      node.style.webkitLineClamp = String(spec.maxLines);
      node.style.webkitBoxOrient = "vertical";
      node.style.overflow = "hidden";
    }
    if (spec.lineSpacing) node.style.lineHeight = `calc(1.4em + ${spec.lineSpacing})`;
    if (Array.isArray(spec.contents) && spec.contents.length) {
      for (const span of spec.contents) {
        const s = document.createElement("span");
        styleText(s, span);
        s.textContent = span.text || "";
        node.append(s);
      }
    } else {
      node.textContent = spec.text || "";
    }
    return node;
  }

  function renderSeparator(spec) {
    const node = document.createElement("hr");
    node.className = "flex-separator";
    if (spec.color) node.style.borderTopColor = spec.color;
    return node;
  }

  function renderSpacer(spec) {
    const node = document.createElement("div");
    node.style.height = px(spec.size || "md", SPACING);
    return node;
  }

  function renderImage(spec) {
    const node = document.createElement("img");
    node.className = "flex-image";
    node.src = spec.url;
    node.alt = "";
    const size = spec.size || "md";
    node.style.width = size === "full" ? "100%" : px(size, IMAGE_SIZE);
    if (spec.aspectRatio) node.style.aspectRatio = spec.aspectRatio.replace(":", "/");
    node.style.objectFit = spec.aspectMode === "cover" ? "cover" : "contain";
    if (spec.backgroundColor) node.style.background = spec.backgroundColor;
    const align = spec.align || "center";
    node.style.alignSelf = { start: "flex-start", end: "flex-end", center: "center" }[align];
    return node;
  }

  function renderIcon(spec) {
    const node = document.createElement("img");
    node.className = "flex-icon";
    node.src = spec.url;
    node.alt = "";
    const size = px(spec.size || "md", TEXT_SIZE);
    node.style.width = size;
    node.style.height = size;
    return node;
  }

  function renderButton(spec) {
    const style = spec.style || "link";
    const node = actionButton(spec.action || {}, `flex-button ${style} ${spec.height || "md"}`);
    if (spec.color) {
      if (style === "link") node.style.color = spec.color;
      else node.style.background = spec.color;
    }
    return node;
  }

  function clickable(node, action) {
    node.classList.add("flex-clickable");
    node.addEventListener("click", (event) => {
      event.stopPropagation();
      runAction(action);
    });
  }

  // Actions ------------------------------------------------------------------

  function runAction(action) {
    switch (action.type) {
      case "message":
        return sendText(action.text);
      case "postback":
        return sendPostback(action.data, null, action.displayText || action.text);
      case "datetimepicker":
        return openPicker(action);
      case "uri":
        window.open(action.uri, "_blank", "noopener");
        return null;
      case "clipboard":
        if (navigator.clipboard) navigator.clipboard.writeText(action.clipboardText);
        note("コピーしました");
        return null;
      case "richmenuswitch":
        return sendPostback(action.data, {
          newRichMenuAliasId: action.richMenuAliasId, status: "SUCCESS",
        });
      default:
        note("この操作はサンドボックスでは使えません");
        return null;
    }
  }

  function openPicker(action) {
    pickerAction = action;
    const mode = action.mode || "date";
    pickerInput.type = { date: "date", time: "time", datetime: "datetime-local" }[mode];
    const normalise = (value) => (value || "").replace("t", "T");
    pickerInput.min = normalise(action.min);
    pickerInput.max = normalise(action.max);
    pickerInput.value = normalise(action.initial);
    picker.querySelector(".picker-label").textContent =
      { date: "日付を選択", time: "時刻を選択", datetime: "日時を選択" }[mode];
    picker.hidden = false;
    pickerInput.focus();
    return null;
  }

  function closePicker() {
    picker.hidden = true;
    pickerAction = null;
  }

  function setQuickReplies(items) {
    quickReplies.replaceChildren();
    quickReplies.hidden = !items || !items.length;
    for (const item of items || []) {
      const chip = document.createElement("button");
      chip.type = "button";
      chip.className = "quick-reply";
      chip.dataset.testid = "quick-reply";
      chip.dataset.actionType = item.action.type;
      chip.textContent = item.action.label || item.action.text || "";
      chip.addEventListener("click", () => runAction(item.action));
      quickReplies.append(chip);
    }
  }

  // Wiring -----------------------------------------------------------------------

  $("input-bar").addEventListener("submit", (event) => {
    event.preventDefault();
    const text = messageInput.value;
    if (!text.trim()) return;
    messageInput.value = "";
    sendText(text);
  });

  picker.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!pickerAction || !pickerInput.value) return;
    const mode = pickerAction.mode || "date";
    const action = pickerAction;
    closePicker();
    sendPostback(action.data, { [mode]: pickerInput.value });
  });

  $("date-cancel").addEventListener("click", closePicker);

  followButton.addEventListener("click", () => {
    if (following) {
      sendEvent({ kind: "unfollow" });
    } else {
      const displayName = residentName.value.trim() || resident.displayName;
      addResident(resident.userId, displayName);
      sendEvent({ kind: "follow", displayName });
    }
  });

  residentName.addEventListener("change", () => {
    const name = residentName.value.trim();
    if (!name) return;
    resident = addResident(resident.userId, name);
    renderResidentChoices();
  });

  residentSelect.addEventListener("change", () => selectResident(residentSelect.value));

  $("new-resident").addEventListener("click", () => {
    const created = addResident(randomUserId(), null);
    selectResident(created.userId);
    residentName.focus();
    residentName.select();
  });

  function start() {
    const params = new URLSearchParams(window.location.search);
    const fromUrl = params.get("userId");
    let userId = localStorage.getItem(STORE_CURRENT);
    if (fromUrl && /^U[0-9a-f]{32}$/.test(fromUrl)) {
      addResident(fromUrl, params.get("name"));
      userId = fromUrl;
    }
    if (!userId || !loadResidents().some((r) => r.userId === userId)) {
      userId = addResident(randomUserId(), params.get("name")).userId;
    }
    // The account name must be known before old bubbles draw their avatar.
    loadConfig().finally(() => selectResident(userId));
  }

  start();
})();
