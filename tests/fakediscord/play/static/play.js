// The playground page: shows what the bot sent to the fake Discord and acts as the
// chosen member through the fake's driver (/play/api).
"use strict";

const $ = (selector) => document.querySelector(selector);
const view = {
  guild: null, channels: [], members: [], roles: [], commands: [], bot: null,
  member: null, locale: "en-US", channel: null,
  command: null, // {path, schema, names}
  lastMessages: "", lastState: "",
};

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "html") node.innerHTML = value;
    else node.setAttribute(key, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

async function api(path, body) {
  const options = body === undefined ? {} : {
    method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body),
  };
  const response = await fetch(path, options);
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.error || `${response.status} ${response.statusText}`);
  return data;
}

function acting() {
  return {member: view.member, locale: view.locale, channel: view.channel};
}

function localized(item, key) {
  const names = item[`${key}_localizations`] || {};
  return names[view.locale] || names[view.locale.split("-")[0]] || item[key];
}

// -- markdown, as Discord renders it in messages --------------------------------------

function escapeHtml(text) {
  return text.replace(/[&<>"]/g, (c) => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})[c]);
}

function timestamp(seconds, style) {
  const date = new Date(Number(seconds) * 1000);
  const lang = view.locale === "fr" ? "fr-FR" : "en-US";
  if (style === "R") {
    const days = Math.round((date - clockNow()) / 86400000);
    return new Intl.RelativeTimeFormat(lang, {numeric: "auto"}).format(days, "day");
  }
  const formats = {
    t: {timeStyle: "short"}, T: {timeStyle: "medium"}, d: {dateStyle: "short"},
    D: {dateStyle: "long"}, f: {dateStyle: "long", timeStyle: "short"},
    F: {dateStyle: "full", timeStyle: "short"},
  };
  return date.toLocaleString(lang, formats[style] || formats.f);
}

function inline(text) {
  let html = escapeHtml(text);
  html = html.replace(/`([^`]+)`/g, "<code>$1</code>");
  html = html.replace(/\*\*(.+?)\*\*/g, "<strong>$1</strong>");
  html = html.replace(/__(.+?)__/g, "<u>$1</u>");
  html = html.replace(/(^|[^*])\*([^*\s][^*]*?)\*/g, "$1<em>$2</em>");
  html = html.replace(/(^|\s)_([^_]+)_(?=\s|$)/g, "$1<em>$2</em>");
  html = html.replace(/~~(.+?)~~/g, "<s>$1</s>");
  html = html.replace(/\[([^\]]+)\]\((https?:\/\/[^)\s]+)\)|https:\/\/discord\.com\/channels\/\d+\/(\d+)\/(\d+)/g,
    (whole, text, url, channel, message) => {
      const target = (url || whole).match(/^https:\/\/discord\.com\/channels\/\d+\/(\d+)\/(\d+)$/);
      if (target) {
        const name = (view.channels.find((c) => c.id === target[1]) || {name: "message"}).name;
        return `<a href="#" class="jump" data-channel-id="${target[1]}" data-message-id="${target[2]}">${text || `↪ #${escapeHtml(name)}`}</a>`;
      }
      return `<a href="${url}" target="_blank" rel="noopener">${text}</a>`;
    });
  html = html.replace(/&lt;t:(-?\d+)(?::([tTdDfFR]))?&gt;/g,
    (_, s, style) => `<span class="timestamp">${escapeHtml(timestamp(s, style))}</span>`);
  html = html.replace(/&lt;#(\d+)&gt;/g, (_, id) => {
    const channel = view.channels.find((c) => c.id === id);
    return `<span class="mention">#${escapeHtml(channel ? channel.name : "unknown")}</span>`;
  });
  html = html.replace(/&lt;@!?(\d+)&gt;/g, (_, id) => {
    const member = view.members.find((m) => m.id === id);
    return `<span class="mention">@${escapeHtml(member ? member.name : "unknown")}</span>`;
  });
  html = html.replace(/&lt;@&amp;(\d+)&gt;/g, (_, id) => {
    const role = view.roles.find((r) => r.id === id);
    return `<span class="mention">@${escapeHtml(role ? role.name : "role")}</span>`;
  });
  return html;
}

function markdown(text) {
  const out = [];
  let quote = [];
  const flush = () => {
    if (quote.length) out.push(`<blockquote>${quote.join("<br>")}</blockquote>`);
    quote = [];
  };
  for (const line of (text || "").split("\n")) {
    const heading = line.match(/^(#{1,3}) (.*)$/);
    if (line.startsWith("> ")) { quote.push(inline(line.slice(2))); continue; }
    flush();
    if (heading) out.push(`<h${heading[1].length + 2}>${inline(heading[2])}</h${heading[1].length + 2}>`);
    else if (line.startsWith("-# ")) out.push(`<small>${inline(line.slice(3))}</small>`);
    else if (/^\s*[-*] /.test(line)) out.push(`<div class="bullet">• ${inline(line.replace(/^\s*[-*] /, ""))}</div>`);
    else out.push(`<div>${inline(line) || "&nbsp;"}</div>`);
  }
  flush();
  return out.join("");
}

// -- messages ---------------------------------------------------------------------------

function attachmentUrl(message, url) {
  if (!url || !url.startsWith("attachment://")) return url;
  const name = url.slice("attachment://".length);
  const found = message.attachments.find((a) => a.filename === name);
  return found ? found.url : "";
}

function colorOf(value) {
  return value === undefined || value === null ? null : `#${Number(value).toString(16).padStart(6, "0")}`;
}

function renderEmbed(message, embed) {
  const fields = (embed.fields || []).map((f) =>
    el("div", {class: f.inline ? "field inline" : "field"},
      el("div", {class: "field-name", html: inline(f.name || "")}),
      el("div", {class: "field-value", html: markdown(f.value || "")})));
  const image = embed.image && attachmentUrl(message, embed.image.url);
  const thumbnail = embed.thumbnail && attachmentUrl(message, embed.thumbnail.url);
  return el("div", {class: "embed", style: `border-left-color: ${colorOf(embed.color) || "#1e1f22"}`},
    el("div", {class: "embed-body"},
      embed.author ? el("div", {class: "embed-author"}, embed.author.name) : null,
      embed.title ? el("div", {class: "embed-title", html: inline(embed.title)}) : null,
      embed.description ? el("div", {class: "embed-description", html: markdown(embed.description)}) : null,
      fields.length ? el("div", {class: "fields"}, fields) : null,
      image ? el("img", {class: "embed-image", src: image, alt: ""}) : null,
      embed.footer ? el("div", {class: "embed-footer"}, embed.footer.text) : null),
    thumbnail ? el("img", {class: "embed-thumbnail", src: thumbnail, alt: ""}) : null);
}

function emojiText(emoji) {
  return emoji ? (emoji.name || "") + " " : "";
}

function renderButton(message, button) {
  const styles = {1: "primary", 2: "secondary", 3: "success", 4: "danger", 5: "link", 6: "premium"};
  const label = `${emojiText(button.emoji)}${button.label || ""}`.trim();
  if (button.style === 5) {
    return el("a", {class: "button link", href: button.url, target: "_blank", rel: "noopener"}, label, " ↗");
  }
  return el("button", {
    class: `button ${styles[button.style] || "secondary"}`, type: "button",
    disabled: button.disabled, "data-custom-id": button.custom_id,
    onclick: () => interact(message, {custom_id: button.custom_id, component_type: 2}),
  }, label);
}

function renderSelect(message, select) {
  const multiple = (select.max_values || 1) > 1;
  const choices = {
    5: () => view.members.filter((m) => m.name !== "owner").map((m) => ({value: m.id, label: m.name})),
    6: () => view.roles.map((r) => ({value: r.id, label: `@${r.name}`})),
    7: () => view.channels.map((c) => ({value: c.id, label: `#${c.name}`})),
  }[select.type];
  const options = (choices ? choices() : select.options || []).map((o) =>
    el("option", {value: o.value, selected: o.default}, `${emojiText(o.emoji)}${o.label}`));
  const node = el("select", {
    class: "select", multiple, disabled: select.disabled, "data-custom-id": select.custom_id,
  }, multiple ? null : el("option", {value: "", disabled: true, selected: !options.some((o) => o.selected)},
    select.placeholder || "Make a selection"), options);
  const send = () => interact(message, {
    custom_id: select.custom_id, component_type: select.type,
    values: [...node.selectedOptions].map((o) => o.value).filter(Boolean),
  });
  if (multiple) return el("span", {class: "multi"}, node, el("button", {class: "button secondary", type: "button", onclick: send}, "OK"));
  node.addEventListener("change", send);
  return node;
}

function renderComponent(message, component) {
  switch (component.type) {
    case 1: return el("div", {class: "row"}, (component.components || []).map((c) =>
      c.type === 2 ? renderButton(message, c) : renderSelect(message, c)));
    case 10: return el("div", {class: "text-display", html: markdown(component.content)});
    case 9: {
      const accessory = component.accessory || {};
      return el("div", {class: "section"},
        el("div", {class: "section-text"}, (component.components || []).map((c) => renderComponent(message, c))),
        accessory.type === 2 ? renderButton(message, accessory)
          : el("img", {class: "thumbnail", src: attachmentUrl(message, (accessory.media || {}).url), alt: ""}));
    }
    case 11: return el("img", {class: "thumbnail", src: attachmentUrl(message, (component.media || {}).url), alt: ""});
    case 12: return el("div", {class: "gallery"}, (component.items || []).map((item) =>
      el("img", {src: attachmentUrl(message, (item.media || {}).url), alt: item.description || ""})));
    case 13: {
      const url = attachmentUrl(message, (component.file || {}).url);
      const name = ((component.file || {}).url || "").replace("attachment://", "");
      return el("a", {class: "file", href: url, download: name}, `📎 ${name}`);
    }
    case 14: return el("div", {class: component.divider === false ? "spacer" : "separator"});
    case 17: return el("div", {class: "container", style: `border-left-color: ${colorOf(component.accent_color) || "transparent"}`},
      (component.components || []).map((c) => renderComponent(message, c)));
    default: return el("div", {class: "unknown"}, `[component ${component.type}]`);
  }
}

function referencedInV2(message) {
  const used = new Set();
  const visit = (component) => {
    for (const media of [component.media, component.file]) {
      if (media && media.url && media.url.startsWith("attachment://")) used.add(media.url.slice(13));
    }
    for (const item of component.items || []) visit(item);
    for (const child of component.components || []) visit(child);
    if (component.accessory) visit(component.accessory);
  };
  message.components.forEach(visit);
  for (const embed of message.embeds) {
    for (const media of [embed.image, embed.thumbnail]) {
      if (media && media.url && media.url.startsWith("attachment://")) used.add(media.url.slice(13));
    }
  }
  return used;
}

function renderAttachment(attachment) {
  if ((attachment.content_type || "").startsWith("image/") || /\.(png|jpe?g|gif|webp)$/i.test(attachment.filename)) {
    return el("a", {href: attachment.url, target: "_blank"}, el("img", {class: "attachment-image", src: attachment.url, alt: attachment.filename}));
  }
  return el("a", {class: "file", href: attachment.url, download: attachment.filename},
    `📎 ${attachment.filename}`, el("span", {class: "size"}, ` ${attachment.size} bytes`));
}

function renderMessage(message) {
  const author = message.author;
  const ephemeral = (message.flags & 64) !== 0;
  const loading = (message.flags & 128) !== 0;
  const time = new Date(message.timestamp);
  const used = referencedInV2(message);
  const node = el("article", {class: `message${ephemeral ? " ephemeral" : ""}`, "data-id": message.id},
    message.interaction ? el("div", {class: "replying"},
      `↱ ${message.interaction.user} ${view.locale === "fr" ? "a utilisé" : "used"} /${commandName(message.interaction.command)}`) : null,
    el("div", {class: "meta"},
      el("span", {class: `author${author.bot ? " bot" : ""}`}, author.username),
      author.bot ? el("span", {class: "tag"}, "APP") : null,
      el("time", {}, time.toLocaleString(view.locale === "fr" ? "fr-FR" : "en-US", {dateStyle: "short", timeStyle: "short"})),
      message.edited_timestamp ? el("span", {class: "edited"}, "(edited)") : null),
    loading ? el("div", {class: "loading"}, `${author.username} is thinking…`) : null,
    message.content ? el("div", {class: "content", html: markdown(message.content)}) : null,
    message.embeds.map((e) => renderEmbed(message, e)),
    message.components.map((c) => renderComponent(message, c)),
    message.attachments.filter((a) => !used.has(a.filename)).map(renderAttachment),
    message.reactions.length ? el("div", {class: "reactions"}, message.reactions.map((r) =>
      el("button", {
        class: `reaction${r.me ? " me" : ""}`, type: "button", "data-emoji": r.emoji.name,
        onclick: () => toggleReaction(message.id, r.emoji.name),
      }, `${r.emoji.name} ${r.count}`))) : null,
    ephemeral ? el("div", {class: "only-you"}, view.locale === "fr" ? "👁 Vous seul pouvez voir ceci" : "👁 Only you can see this") : null);
  return node;
}

async function refreshMessages(force = false) {
  if (!view.channel || !view.member) return;
  const data = await api(`/play/api/messages?channel=${view.channel}&member=${view.member}`);
  const text = JSON.stringify(data.messages);
  if (!force && text === view.lastMessages) return;
  view.lastMessages = text;
  const box = $("#messages");
  const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 80;
  box.replaceChildren(...data.messages.map(renderMessage));
  if (atBottom || force) box.scrollTop = box.scrollHeight;
}

// -- the server: channels, members, clock ------------------------------------------------

function clockNow() {
  return view.clock ? new Date(view.clock) : new Date();
}

function renderChannels() {
  const list = $("#channels");
  const top = view.channels.filter((c) => !c.parent_id);
  list.replaceChildren(...top.map((channel) => el("li", {},
    el("a", {href: "#", class: channel.id === view.channel ? "active" : "", "data-channel": channel.name,
      onclick: (event) => { event.preventDefault(); openChannel(channel.id); }}, `# ${channel.name}`),
    el("ul", {class: "threads"}, view.channels.filter((t) => t.parent_id === channel.id).map((thread) =>
      el("li", {}, el("a", {href: "#", class: thread.id === view.channel ? "active" : "", "data-channel": thread.name,
        onclick: (event) => { event.preventDefault(); openChannel(thread.id); }},
        `🧵 ${thread.name}${thread.archived ? " (archived)" : ""}`)))))));
  const current = view.channels.find((c) => c.id === view.channel);
  $("#channel-header").textContent = current ? `${current.parent_id ? "🧵" : "#"} ${current.name}` : "";
}

function renderMembers() {
  const select = $("#member");
  const people = view.members.filter((m) => !m.bot && m.name !== "owner");
  select.replaceChildren(...people.map((m) => el("option", {value: m.id, selected: m.id === view.member},
    m.roles.length ? `${m.name} (${m.roles.join(", ")})` : m.name)));
  if (!view.member && people.length) view.member = people[0].id;
}

async function refreshState() {
  const state = await api("/play/api/state");
  view.clock = state.clock;
  $("#clock").textContent = clockNow().toLocaleString(view.locale === "fr" ? "fr-FR" : "en-US",
    {weekday: "short", dateStyle: undefined, year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit"});
  const text = JSON.stringify([state.channels, state.members, state.commands, state.roles]);
  if (text === view.lastState) return;
  view.lastState = text;
  Object.assign(view, {guild: state.guild, channels: state.channels, members: state.members,
    roles: state.roles, commands: state.commands, bot: state.bot});
  $("#guild-name").textContent = state.guild.name;
  if (!view.channel) view.channel = (state.channels.find((c) => c.name === "general") || state.channels[0]).id;
  renderMembers();
  renderChannels();
}

function openChannel(id) {
  view.channel = id;
  view.lastMessages = "";
  renderChannels();
  refreshMessages(true);
}

// -- acting ------------------------------------------------------------------------------

function showError(text) {
  const box = $("#composer-error");
  box.textContent = text;
  box.hidden = !text;
}

async function answered(result) {
  if (result.error) showError(result.error);
  if (result.modal) openModal(result.token, result.modal);
  await refreshMessages();
}

async function interact(message, what) {
  showError("");
  try {
    await answered(await api("/play/api/click", {...acting(), message: message.id, ...what}));
  } catch (error) { showError(error.message); }
}

async function toggleReaction(messageId, emoji) {
  try {
    await api("/play/api/react", {...acting(), message: messageId, emoji});
    await refreshMessages();
  } catch (error) { showError(error.message); }
}

// -- modals ------------------------------------------------------------------------------

function modalInput(component) {
  const id = component.custom_id;
  const node = modalControl(component, id);
  node.id = `modal-${id}`;
  return node;
}

function modalControl(component, id) {
  switch (component.type) {
    case 4: {
      const attrs = {name: id, "data-custom-id": id, required: component.required !== false,
        minlength: component.min_length, maxlength: component.max_length,
        placeholder: component.placeholder};
      return component.style === 2 ? el("textarea", attrs, component.value || "")
        : el("input", {...attrs, value: component.value || ""});
    }
    case 3: return el("select", {name: id, "data-custom-id": id, "data-kind": "values",
      multiple: (component.max_values || 1) > 1, required: component.required !== false},
      (component.max_values || 1) > 1 ? null : el("option", {value: ""}, component.placeholder || "—"),
      (component.options || []).map((o) => el("option", {value: o.value, selected: o.default}, o.label)));
    case 21: return el("div", {class: "choices", "data-custom-id": id, "data-kind": "radio"},
      (component.options || []).map((o) => el("label", {},
        el("input", {type: "radio", name: id, value: o.value, checked: o.default, required: component.required !== false}),
        ` ${o.label}`, o.description ? el("small", {}, ` ${o.description}`) : null)));
    case 22: return el("div", {class: "choices", "data-custom-id": id, "data-kind": "checkboxes"},
      (component.options || []).map((o) => el("label", {},
        el("input", {type: "checkbox", name: id, value: o.value, checked: o.default}), ` ${o.label}`)));
    case 23: return el("label", {}, el("input", {type: "checkbox", name: id, "data-custom-id": id, "data-kind": "checkbox", checked: component.default}));
    default: return el("div", {class: "unknown"}, `[input ${component.type}]`);
  }
}

function openModal(token, modal) {
  const form = $("#modal-form");
  const fields = (modal.components || []).map((component) => {
    if (component.type === 10) return el("div", {class: "text-display", html: markdown(component.content)});
    if (component.type === 18) {
      return el("div", {class: "modal-field"},
        el("label", {class: "modal-label", for: `modal-${component.component.custom_id}`}, component.label, component.component.required === false ? "" : el("span", {class: "required"}, " *")),
        component.description ? el("div", {class: "modal-description"}, component.description) : null,
        modalInput(component.component));
    }
    const input = component.components[0];
    return el("div", {class: "modal-field"},
      el("label", {class: "modal-label", for: `modal-${input.custom_id}`}, input.label || input.custom_id,
        input.required === false ? "" : el("span", {class: "required"}, " *")), modalInput(input));
  });
  form.replaceChildren(
    el("h2", {}, modal.title), ...fields, el("div", {class: "modal-error", hidden: true}),
    el("div", {class: "modal-actions"},
      el("button", {type: "button", class: "button secondary", onclick: () => $("#modal").close()}, view.locale === "fr" ? "Annuler" : "Cancel"),
      el("button", {type: "submit", class: "button primary"}, view.locale === "fr" ? "Envoyer" : "Submit")));
  form.onsubmit = async (event) => {
    event.preventDefault();
    const values = {};
    for (const node of form.querySelectorAll("[data-custom-id]")) {
      const id = node.dataset.customId;
      if (node.dataset.kind === "values") values[id] = [...node.selectedOptions].map((o) => o.value).filter(Boolean);
      else if (node.dataset.kind === "radio") values[id] = (node.querySelector("input:checked") || {}).value || null;
      else if (node.dataset.kind === "checkboxes") values[id] = [...node.querySelectorAll("input:checked")].map((i) => i.value);
      else if (node.dataset.kind === "checkbox") values[id] = node.checked;
      else values[id] = node.value;
    }
    try {
      const result = await api("/play/api/modal", {member: view.member, locale: view.locale, token, values});
      $("#modal").close();
      await answered(result);
    } catch (error) {
      const box = form.querySelector(".modal-error");
      box.textContent = error.message;
      box.hidden = false;
    }
  };
  $("#modal").showModal();
}

// -- the command box -----------------------------------------------------------------------

function commandName(path) {
  const found = commandPaths().find((p) => p.path === path);
  return found ? found.names : path;
}

function commandPaths() {
  const paths = [];
  for (const command of view.commands) {
    const subs = (command.options || []).filter((o) => o.type === 1 || o.type === 2);
    if (!subs.length) {
      paths.push({path: command.name, names: localized(command, "name"), description: localized(command, "description"), schema: command.options || []});
      continue;
    }
    for (const sub of subs) {
      const leaves = sub.type === 2 ? (sub.options || []).map((leaf) => [sub, leaf]) : [[sub]];
      for (const chain of leaves) {
        const last = chain[chain.length - 1];
        paths.push({
          path: [command.name, ...chain.map((o) => o.name)].join(" "),
          names: [localized(command, "name"), ...chain.map((o) => localized(o, "name"))].join(" "),
          description: localized(last, "description"),
          schema: last.options || [],
        });
      }
    }
  }
  return paths.sort((a, b) => a.names.localeCompare(b.names));
}

function showSuggestions(items, pick) {
  const box = $("#suggestions");
  box.replaceChildren(...items.map((item) => el("button", {type: "button", class: "suggestion", "data-value": item.key,
    onclick: () => pick(item)}, el("strong", {}, item.label), item.detail ? el("span", {}, item.detail) : null)));
  box.hidden = !items.length;
}

function onInput() {
  const text = $("#input").value;
  if (view.command || !text.startsWith("/")) { showSuggestions([], null); return; }
  const query = text.slice(1).toLowerCase();
  const matches = commandPaths().filter((p) => p.names.toLowerCase().startsWith(query)
    || p.path.toLowerCase().startsWith(query) || p.names.toLowerCase().includes(query));
  showSuggestions(matches.slice(0, 25).map((p) => ({key: p.path, label: `/${p.names}`, detail: p.description, command: p})),
    (item) => chooseCommand(item.command));
}

function optionField(option) {
  const name = localized(option, "name");
  const id = `option-${option.name}`;
  let input;
  if (option.choices) {
    input = el("select", {id, "data-option": option.name},
      el("option", {value: ""}, "—"),
      option.choices.map((c) => el("option", {value: c.value}, localized(c, "name"))));
  } else if (option.type === 5) {
    input = el("select", {id, "data-option": option.name}, el("option", {value: ""}, "—"),
      el("option", {value: "true"}, "True"), el("option", {value: "false"}, "False"));
  } else if (option.type === 7) {
    input = el("select", {id, "data-option": option.name}, el("option", {value: ""}, "—"),
      view.channels.filter((c) => !c.parent_id).map((c) => el("option", {value: c.id}, `#${c.name}`)));
  } else if (option.type === 6 || option.type === 9) {
    input = el("select", {id, "data-option": option.name}, el("option", {value: ""}, "—"),
      view.members.filter((m) => m.name !== "owner").map((m) => el("option", {value: m.id}, m.name)));
  } else if (option.type === 8) {
    input = el("select", {id, "data-option": option.name}, el("option", {value: ""}, "—"),
      view.roles.map((r) => el("option", {value: r.id}, r.name)));
  } else {
    const numeric = option.type === 4 || option.type === 10;
    input = el("input", {id, "data-option": option.name, type: numeric ? "number" : "text",
      min: option.min_value, max: option.max_value, step: option.type === 10 ? "any" : undefined,
      minlength: option.min_length, maxlength: option.max_length, placeholder: localized(option, "description")});
    if (option.autocomplete) {
      input.dataset.autocomplete = "true";
      let timer = null;
      input.addEventListener("input", () => {
        delete input.dataset.value;
        clearTimeout(timer);
        timer = setTimeout(() => suggest(option, input), 150);
      });
      input.addEventListener("focus", () => suggest(option, input));
    }
  }
  return el("label", {class: `option${option.required ? " required" : ""}`, title: localized(option, "description")},
    el("span", {class: "option-name"}, name), input);
}

function optionValues() {
  const values = {};
  for (const node of document.querySelectorAll("#options [data-option]")) {
    const value = node.dataset.value !== undefined ? node.dataset.value : node.value;
    if (value !== "") values[node.dataset.option] = value;
  }
  return values;
}

let suggestion = 0;

async function suggest(option, input) {
  const asked = ++suggestion;
  try {
    const data = await api("/play/api/autocomplete", {...acting(), command: view.command.path,
      option: option.name, text: input.value, options: optionValues()});
    if (asked !== suggestion || !view.command) return;
    showSuggestions(data.choices.map((c) => ({key: String(c.value), label: localized(c, "name")})), (item) => {
      input.value = item.label;
      input.dataset.value = item.key;
      showSuggestions([], null);
    });
  } catch (error) { showError(error.message); }
}

function chooseCommand(command) {
  view.command = command;
  showSuggestions([], null);
  const input = $("#input");
  input.value = `/${command.names}`;
  input.readOnly = true;
  const fields = command.schema.filter((o) => o.type !== 1 && o.type !== 2)
    .sort((a, b) => Number(Boolean(b.required)) - Number(Boolean(a.required))).map(optionField);
  $("#options").replaceChildren(
    el("div", {class: "command-title"}, el("strong", {}, `/${command.names}`), ` — ${command.description}`),
    el("div", {class: "option-list"}, fields),
    el("div", {class: "command-actions"},
      el("button", {type: "button", class: "button secondary", onclick: resetCommand}, view.locale === "fr" ? "Annuler" : "Cancel"),
      el("button", {type: "submit", class: "button primary", id: "send-command"}, view.locale === "fr" ? "Envoyer" : "Send")));
  const first = $("#options [data-option]");
  if (first) first.focus();
}

function resetCommand() {
  view.command = null;
  suggestion += 1;
  $("#options").replaceChildren();
  const input = $("#input");
  input.readOnly = false;
  input.value = "";
  showSuggestions([], null);
}

async function submitComposer(event) {
  event.preventDefault();
  showError("");
  const text = $("#input").value.trim();
  try {
    if (view.command) {
      const result = await api("/play/api/command", {...acting(), command: view.command.path, options: optionValues()});
      resetCommand();
      await answered(result);
    } else if (text && !text.startsWith("/")) {
      await api("/play/api/post", {...acting(), content: text});
      $("#input").value = "";
      await refreshMessages();
    }
  } catch (error) { showError(error.message); }
}

// -- start -------------------------------------------------------------------------------

async function advanceClock(seconds) {
  await fetch("/clock", {method: "POST", headers: {"Content-Type": "application/json"},
    body: JSON.stringify({advance_seconds: seconds})});
  await refreshState();
}

async function loop(what, every) {
  for (;;) {
    try { await what(); } catch (error) { /* the fake restarts or stops: try again */ }
    await new Promise((resolve) => setTimeout(resolve, every));
  }
}

window.addEventListener("DOMContentLoaded", async () => {
  $("#messages").addEventListener("click", (event) => {
    const link = event.target.closest("a.jump");
    if (!link) return;
    event.preventDefault();
    openChannel(link.dataset.channelId);
  });
  $("#input").addEventListener("input", onInput);
  $("#composer").addEventListener("submit", submitComposer);
  $("#member").addEventListener("change", (event) => { view.member = event.target.value; refreshMessages(true); });
  $("#locale").addEventListener("change", (event) => {
    view.locale = event.target.value;
    document.documentElement.lang = view.locale === "fr" ? "fr" : "en";
    resetCommand();
    refreshState();
    refreshMessages(true);
  });
  for (const button of document.querySelectorAll("[data-advance]")) {
    button.addEventListener("click", () => advanceClock(Number(button.dataset.advance)));
  }
  await refreshState();
  await refreshMessages(true);
  loop(refreshState, 2000);
  loop(refreshMessages, 700);
});
