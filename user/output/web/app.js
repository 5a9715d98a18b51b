// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
//
// ofxdp's live dashboard: polls ofxdp's own REST API once a second (the
// small documents: /get_of_counts, /get_ofNN_counts, /api/v1/switches,
// /api/v1/latency, /api/v1/events when /ui/config.json says events are on)
// and /api/v1/stats?connections=0 (the largest, even without its
// connection list) every STATS_EVERY polls (capture health).
// Rates are the difference of two polls' counters over the time between
// them.
//
// With --rest-token, open the page as http://HOST:PORT/#token=TOKEN (the
// fragment never leaves the browser; the page keeps the token in this
// tab's sessionStorage and drops it from the address bar) or type it in
// the form the page shows; every request for counters carries it as
// Authorization: Bearer TOKEN.
'use strict';

(function () {
	const POLL_MS = 1000;
	const STATS_EVERY = 5; // polls between two /api/v1/stats
	const HISTORY = 90; // points kept in the time charts
	const EVENTS_KEPT = 50;
	const FETCH_TIMEOUT_MS = 5000; // a stopped ofxdp (^Z) may accept and never answer
	const TOKEN_KEY = 'ofxdp-token';

	const st = {
		token: sessionStorage.getItem(TOKEN_KEY),
		eventsOn: false, // /api/v1/events answers
		polls: 0,
		versions: new Set(),
		prev: null, // {t, tin, tout, types: Map}
		needConfig: false, // read /ui/config.json again (ofxdp restarted?)
		selected: null, // switch id
		sort: { key: 'datapath_id', dir: 1 },
		rows: [],
		lastEventID: 0,
		events: [],
		latHist: new Map(), // "kind/from" -> [{p50, p90, p99}]
		labels: [], // time labels of the time charts
		typeHist: new Map(), // "in OFPT_X" -> [rate]
		switchesDoc: null,
	};

	const $ = (id) => document.getElementById(id);
	const fmtInt = (n) => (n === null || n === undefined ? '–' : Number(n).toLocaleString('en-US'));
	const fmtRate = (r) => (r === null || r === undefined ? '–' : r.toFixed(r < 10 ? 1 : 0));

	// ---- token ----

	function takeTokenFromFragment() {
		const m = /(?:^#|&)token=([^&]*)/.exec(location.hash);
		if (!m)
			return;
		try {
			st.token = decodeURIComponent(m[1]);
		} catch (e) {
			st.token = m[1]; // a stray '%': take it as it is
		}
		sessionStorage.setItem(TOKEN_KEY, st.token);
		history.replaceState(null, '', location.pathname + location.search);
	}

	function askToken() {
		$('token-form').hidden = false;
		$('token-input').focus();
		setStatus('needs the REST token');
	}

	$('token-form').addEventListener('submit', (e) => {
		e.preventDefault();
		st.token = $('token-input').value.trim();
		sessionStorage.setItem(TOKEN_KEY, st.token);
		$('token-form').hidden = true;
		schedule(0);
	});

	class Unauthorized extends Error {}

	async function api(path) {
		const headers = {};
		if (st.token)
			headers.Authorization = 'Bearer ' + st.token;
		const ctl = new AbortController();
		const t = setTimeout(() => ctl.abort(), FETCH_TIMEOUT_MS);
		let r;
		try {
			r = await fetch(path, { headers, cache: 'no-store', signal: ctl.signal });
		} catch (e) {
			throw new Error(path + ': ' + (e.name === 'AbortError' ? 'no answer in ' + FETCH_TIMEOUT_MS / 1000 + ' s' : e.message));
		} finally {
			clearTimeout(t);
		}
		if (r.status === 401)
			throw new Unauthorized(path);
		if (!r.ok)
			throw new Error(path + ': HTTP ' + r.status);
		return r.json();
	}

	function setStatus(text) {
		$('status').textContent = text;
	}

	// ---- charts ----

	Chart.defaults.animation = false;
	Chart.defaults.font.size = 11;
	Chart.defaults.maintainAspectRatio = false;

	function hue(name) {
		let h = 0;
		for (const c of name)
			h = (h * 31 + c.charCodeAt(0)) % 360;
		return h;
	}

	const typesChart = new Chart($('chart-types'), {
		type: 'bar',
		data: { labels: st.labels, datasets: [] },
		options: {
			scales: {
				x: { stacked: true, ticks: { maxTicksLimit: 10 } },
				y: { stacked: true, beginAtZero: true, title: { display: true, text: 'msgs/s' } },
			},
			plugins: { legend: { position: 'right', labels: { boxWidth: 10 } } },
		},
	});

	const subtypesChart = new Chart($('chart-subtypes'), {
		type: 'bar',
		data: { labels: [], datasets: [{ label: 'messages', data: [], backgroundColor: '#4a7bd0' }] },
		options: {
			indexAxis: 'y',
			scales: { x: { beginAtZero: true } },
			plugins: { legend: { display: false } },
		},
	});

	const latencyChart = new Chart($('chart-latency'), {
		type: 'line',
		data: {
			labels: st.labels,
			datasets: ['p50', 'p90', 'p99'].map((p, i) => ({
				label: p,
				data: [],
				borderColor: ['#2e7d32', '#f9a825', '#c62828'][i],
				backgroundColor: 'transparent',
				pointRadius: 0,
				borderWidth: 1.5,
				spanGaps: false,
			})),
		},
		options: {
			scales: { y: { beginAtZero: true, title: { display: true, text: 'ms' } } },
			plugins: { legend: { position: 'right', labels: { boxWidth: 10 } } },
		},
	});

	// ---- counters ----

	// "1.3" -> "13"
	const vtag = (v) => v.replace('.', '');

	// The per-type counts of every version seen: Map "in OFPT_X" -> msgs.
	async function typeCounts() {
		const out = new Map();
		const docs = await Promise.all([...st.versions].map((v) => api('/get_of' + vtag(v) + '_counts')));
		docs.forEach((doc) => {
			for (const [key, types] of Object.entries(doc)) {
				const dir = /_in_counts$/.test(key) ? 'in' : 'out';
				for (const [t, [msgs]] of Object.entries(types)) {
					const k = dir + ' ' + t;
					out.set(k, (out.get(k) || 0) + msgs);
				}
			}
		});
		return out;
	}

	// Sum of one type's counters of switch @s over versions: {msgs, rate
	// (ofxdp's, over the switch views' own interval), subtypes, details}.
	function switchType(s, dir, type) {
		const r = { msgs: 0, rate: 0, subtypes: {}, details: {} };
		for (const v of Object.values(s.versions || {})) {
			const c = (v[dir] || {})[type];
			if (!c)
				continue;
			r.msgs += c.msgs;
			r.rate += c.msgs_per_s || 0;
			for (const kind of ['subtypes', 'details'])
				for (const [k, x] of Object.entries(c[kind] || {}))
					r[kind][k] = (r[kind][k] || 0) + x.msgs;
		}
		return r;
	}

	// The largest p99 (ms) of the window among a latency doc entry's kinds.
	function worstP99(lat) {
		let best = null;
		for (const [kind, froms] of Object.entries(lat || {}))
			for (const [from, e] of Object.entries(froms))
				if (e.count > 0 && (best === null || e.p99_ns > best.ns))
					best = { ns: e.p99_ns, what: kind + ' from ' + from };
		return best;
	}

	// ---- panels ----

	function pushPoint(hist, key, value, n) {
		let a = hist.get(key);
		if (!a) {
			a = new Array(n - 1).fill(null);
			hist.set(key, a);
		}
		a.push(value);
	}

	function trim(arr) {
		while (arr.length > HISTORY)
			arr.shift();
	}

	function updateTypes(rates, label) {
		st.labels.push(label);
		const n = st.labels.length;
		for (const [k, r] of rates)
			pushPoint(st.typeHist, k, r, n);
		for (const [k, a] of st.typeHist) {
			if (a.length < n)
				a.push(rates.has(k) ? rates.get(k) : 0);
			trim(a);
		}
		trim(st.labels);
		const keys = [...st.typeHist.keys()].sort();
		typesChart.data.datasets = keys.map((k) => {
			const [dir, type] = k.split(' ');
			const h = hue(type);
			const old = typesChart.data.datasets.find((d) => d.label === k);
			return Object.assign(old || {}, {
				label: k,
				data: st.typeHist.get(k),
				stack: dir,
				backgroundColor: dir === 'in' ? `hsl(${h},60%,50%)` : `hsla(${h},60%,50%,0.45)`,
				borderWidth: 0,
			});
		});
		typesChart.update('none');
	}

	function updateLatency(doc) {
		const sel = $('kind-select');
		const n = st.labels.length; // (trimmed already: one point each now)
		const seen = new Set();
		for (const [kind, froms] of Object.entries(doc.overall || {}))
			for (const [from, e] of Object.entries(froms)) {
				const k = kind + '/' + from;
				const v = e.count > 0 ? { p50: e.p50_ns / 1e6, p90: e.p90_ns / 1e6, p99: e.p99_ns / 1e6 } : null;
				pushPoint(st.latHist, k, v, n);
				seen.add(k);
			}
		for (const [k, a] of st.latHist) {
			if (!seen.has(k))
				a.push(null); // a kind quiet for 10 s: a gap, not its old value
			trim(a);
		}
		const keys = [...st.latHist.keys()].sort();
		if (keys.length && keys.join('|') !== [...sel.options].map((o) => o.value).join('|')) {
			const cur = sel.value;
			sel.replaceChildren(...keys.map((k) => new Option(k.replace('/', ' from '), k)));
			sel.value = keys.includes(cur) ? cur : keys.includes('packet_in/switch') ? 'packet_in/switch' : keys[0];
		}
		updateLatencyView();
	}

	// The rows of the switches table. Rates are ofxdp's own (over the
	// switch views' interval): the views are published once a second, out
	// of phase with the polls, so differences of two polls would flicker.
	function switchRows(doc, lat) {
		const p99 = new Map((lat.switches || []).map((s) => [s.id, worstP99(s.latency)]));
		return (doc.switches || []).map((s) => {
			const pin = switchType(s, 'in', 'OFPT_PACKET_IN');
			const w = p99.get(s.id);
			return {
				id: s.id,
				datapath_id: s.datapath_id || s.address,
				state: s.connections_open > 0 ? 'connected' : 'disconnected',
				msgs_in: s.in.msgs,
				msgs_out: s.out.msgs,
				rate: (s.in.msgs_per_s || 0) + (s.out.msgs_per_s || 0),
				pin_rate: pin.rate,
				p99: w ? w.ns / 1e6 : null,
				p99_what: w ? w.what : '',
			};
		});
	}

	function renderSwitches() {
		const { key, dir } = st.sort;
		const rows = st.rows.slice().sort((a, b) => {
			const x = a[key], y = b[key];
			if (x === y)
				return a.id < b.id ? -1 : 1;
			if (x === null)
				return 1;
			if (y === null)
				return -1;
			return (x < y ? -1 : 1) * dir;
		});
		for (const th of document.querySelectorAll('#switches th')) {
			th.classList.toggle('asc', th.dataset.key === key && dir === 1);
			th.classList.toggle('desc', th.dataset.key === key && dir === -1);
		}
		const body = document.querySelector('#switches tbody');
		body.replaceChildren(...rows.map((r) => {
			const tr = document.createElement('tr');
			tr.dataset.id = r.id;
			tr.classList.toggle('selected', r.id === st.selected);
			const cells = [
				[r.datapath_id, 'mono'],
				[r.state, r.state === 'connected' ? 'cleared' : 'muted'],
				[fmtInt(r.msgs_in), 'num'],
				[fmtInt(r.msgs_out), 'num'],
				[fmtRate(r.rate), 'num'],
				[fmtRate(r.pin_rate), 'num'],
				[r.p99 === null ? '–' : r.p99.toFixed(3), 'num'],
			];
			cells.forEach(([text, cls], i) => {
				const td = document.createElement('td');
				td.textContent = text;
				td.className = cls;
				td.dataset.key = document.querySelectorAll('#switches th')[i].dataset.key;
				if (i === 6)
					td.title = r.p99_what;
				tr.appendChild(td);
			});
			return tr;
		}));
		$('switch-count').textContent = '(' + rows.length + ')';
	}

	document.querySelector('#switches thead').addEventListener('click', (e) => {
		const th = e.target.closest('th');
		if (!th)
			return;
		st.sort = { key: th.dataset.key, dir: st.sort.key === th.dataset.key ? -st.sort.dir : 1 };
		renderSwitches();
	});

	document.querySelector('#switches tbody').addEventListener('click', (e) => {
		const tr = e.target.closest('tr');
		if (!tr)
			return;
		st.selected = st.selected === tr.dataset.id ? null : tr.dataset.id;
		renderSwitches();
		renderSubtypes();
	});

	function renderSubtypes() {
		const doc = st.switchesDoc;
		if (!doc)
			return;
		const sws = (doc.switches || []).filter((s) => st.selected === null || s.id === st.selected);
		if (st.selected !== null && !sws.length)
			st.selected = null; // the switch is gone
		// the types seen (in the selected switch, or in any)
		const types = new Set();
		for (const s of sws)
			for (const v of Object.values(s.versions || {}))
				for (const dir of ['in', 'out'])
					for (const t of Object.keys(v[dir] || {}))
						types.add(dir + ' ' + t);
		const sel = $('type-select');
		const keys = [...types].sort();
		if (keys.join('|') !== [...sel.options].map((o) => o.value).join('|')) {
			const cur = sel.value;
			sel.replaceChildren(...keys.map((k) => new Option(k, k)));
			sel.value = keys.includes(cur) ? cur : keys.includes('in OFPT_PACKET_IN') ? 'in OFPT_PACKET_IN' : keys[0] || '';
		}
		const [dir, type] = (sel.value || ' ').split(' ');
		const sum = {};
		let kind = 'subtypes';
		for (const s of sws) {
			const c = switchType(s, dir, type);
			for (const k of ['subtypes', 'details'])
				for (const [n, m] of Object.entries(c[k])) {
					sum[k] = sum[k] || {};
					sum[k][n] = (sum[k][n] || 0) + m;
				}
		}
		if (!sum.subtypes)
			kind = 'details';
		const entries = Object.entries(sum[kind] || {}).sort((a, b) => b[1] - a[1]);
		subtypesChart.data.labels = entries.map((e) => e[0]);
		subtypesChart.data.datasets[0].data = entries.map((e) => e[1]);
		subtypesChart.data.datasets[0].label = kind;
		subtypesChart.update('none');
		$('subtype-scope').textContent = (st.selected === null ? 'all switches' : st.selected) +
			(entries.length ? ', ' + kind : ', none');
	}

	$('type-select').addEventListener('change', renderSubtypes);
	$('kind-select').addEventListener('change', () => updateLatencyView());

	function updateLatencyView() {
		const a = st.latHist.get($('kind-select').value) || [];
		latencyChart.data.datasets.forEach((d) => {
			d.data = a.map((x) => (x ? x[d.label] : null));
		});
		latencyChart.update('none');
	}

	function renderHealth(s) {
		const l = s.loss || {}, k = l.kernel || {}, ra = s.reassembly || {}, le = s.latency_engine || {};
		const rows = [
			['capture', s.mode + ' on ' + s.interface + ', ports ' + s.ports],
			['hooks', s.hooks],
			['uptime', Math.round(s.uptime_s) + ' s'],
			['ring records (lost)', fmtInt(l.records) + ' (' + fmtInt(l.records_lost) + ')', l.records_lost > 0],
			['kernel reserve failures', fmtInt(k.reserve_fail), k.reserve_fail > 0],
			['pcap drops (interface)', fmtInt(l.pcap_drop) + ' (' + fmtInt(l.pcap_ifdrop) + ')',
				l.pcap_drop > 0 || l.pcap_ifdrop > 0],
			['reassembly gaps (bytes)', fmtInt(ra.gaps) + ' (' + fmtInt(ra.gap_bytes) + ')', ra.gaps > 0],
			['connections open (total)', fmtInt(ra.connections_active) + ' (' + fmtInt(ra.connections_total) + ')'],
			['latency shedding', le.shedding ? 'yes' : 'no', !!le.shedding],
		];
		$('health').tBodies[0].replaceChildren(...rows.map(([name, value, bad]) => {
			const tr = document.createElement('tr');
			const a = document.createElement('td');
			const b = document.createElement('td');
			a.textContent = name;
			b.textContent = value === undefined ? '–' : value;
			b.dataset.name = name;
			if (bad)
				b.className = 'bad';
			tr.append(a, b);
			return tr;
		}));
		$('capture').textContent = s.mode + ' on ' + s.interface;
	}

	async function pollEvents() {
		const doc = await api('/api/v1/events?eventID=' + st.lastEventID + '&maxEvents=' + EVENTS_KEPT + '&timeout=0');
		if (typeof doc.lastEventID === 'number' && doc.lastEventID < st.lastEventID) {
			st.events = []; // ofxdp restarted: its ids start again
			st.lastEventID = 0;
			return;
		}
		const fresh = (doc.events || []).filter((e) => e.eventID > st.lastEventID);
		if (fresh.length) {
			st.events = fresh.concat(st.events).slice(0, EVENTS_KEPT);
			st.lastEventID = Math.max(st.lastEventID, ...fresh.map((e) => e.eventID));
		}
		$('events').tBodies[0].replaceChildren(...st.events.map((e) => {
			const tr = document.createElement('tr');
			tr.dataset.id = String(e.eventID);
			const cells = [
				new Date(e.timestamp * 1000).toLocaleTimeString('en-GB'),
				e.state,
				e.threshold + (e.metric ? ' (' + e.metric + ')' : ''),
				e.switch || 'all',
				String(e.value),
				String(e.limit),
			];
			cells.forEach((text, i) => {
				const td = document.createElement('td');
				td.textContent = text;
				if (i === 1)
					td.className = e.state;
				if (i >= 4)
					td.className = 'num';
				tr.appendChild(td);
			});
			return tr;
		}));
		$('events-note').textContent = st.events.length ? '' : 'no event yet';
	}

	// ---- the poll ----

	async function poll() {
		const full = st.polls % STATS_EVERY === 0;
		const [tot, sws, lat, stats] = await Promise.all([
			api('/get_of_counts'),
			api('/api/v1/switches'),
			api('/api/v1/latency?window=10s'),
			full ? api('/api/v1/stats?connections=0') : null, // without the (large) connection list
		]);
		if (stats) {
			Object.keys(stats.versions || {}).forEach((v) => st.versions.add(v));
			renderHealth(stats);
		}
		for (const s of sws.switches || [])
			Object.keys(s.versions || {}).forEach((v) => st.versions.add(v));
		const types = await typeCounts();
		const now = performance.now();
		const dt = st.prev ? (now - st.prev.t) / 1000 : 0;

		$('total-in').textContent = fmtInt(tot.OF_in_counts[0]);
		$('total-out').textContent = fmtInt(tot.OF_out_counts[0]);
		if (st.prev) {
			$('rate-in').textContent = fmtRate(Math.max(0, tot.OF_in_counts[0] - st.prev.tin) / dt);
			$('rate-out').textContent = fmtRate(Math.max(0, tot.OF_out_counts[0] - st.prev.tout) / dt);
			const rates = new Map();
			for (const [k, n] of types)
				rates.set(k, Math.max(0, n - (st.prev.types.get(k) || 0)) / dt);
			const label = new Date().toLocaleTimeString('en-GB');
			updateTypes(rates, label);
			updateLatency(lat);
		}
		st.switchesDoc = sws;
		st.rows = switchRows(sws, lat);
		renderSwitches();
		renderSubtypes();
		st.prev = { t: now, tin: tot.OF_in_counts[0], tout: tot.OF_out_counts[0], types };
		st.polls++;
		if (st.eventsOn) {
			try {
				await pollEvents();
			} catch (e) {
				if (e instanceof Unauthorized)
					throw e;
				st.needConfig = true; // an ofxdp restarted without events?
				$('events-note').textContent = 'events: ' + e.message;
			}
		}
		document.body.dataset.updates = String(st.polls);
		setStatus('updated ' + new Date().toLocaleTimeString('en-GB'));
	}

	let timer = null;
	function schedule(ms) {
		clearTimeout(timer);
		timer = setTimeout(run, ms);
	}

	// /ui/config.json: whether events are on and a token is needed.
	// Return: false when the page must wait for the token form.
	async function loadConfig() {
		const cfg = await api('/ui/config.json');
		// an older ofxdp has no "events" (and no /api/v1/events)
		st.eventsOn = cfg.events === true && (cfg.routes || []).includes('/api/v1/events');
		$('events-note').textContent = st.eventsOn ? (st.events.length ? '' : 'no event yet') : 'events are off in this ofxdp';
		st.needConfig = false;
		if (cfg.token && !st.token) {
			askToken();
			return false;
		}
		return true;
	}

	async function run() {
		const t0 = performance.now();
		try {
			if (st.needConfig && !(await loadConfig()))
				return; // the form starts polling again
			await poll();
		} catch (e) {
			if (e instanceof Unauthorized) {
				askToken();
				return; // the form starts polling again
			}
			st.needConfig = true; // once it answers again: maybe another ofxdp
			setStatus('REST unreachable: ' + e.message);
		}
		schedule(Math.max(0, POLL_MS - (performance.now() - t0)));
	}

	function start() {
		takeTokenFromFragment();
		st.needConfig = true;
		schedule(0);
	}

	start();
})();
