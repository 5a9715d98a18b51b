# Tidy scdoc's roff output so that `mandoc -T lint` has nothing to say:
# scdoc (1.11) puts a .P before every .SH/.SS and .RE and right after
# headings, which mandoc skips with a warning each. This moves a .P that
# precedes .RE to after it (the space between list items stays) and drops
# every .P that starts no paragraph (after a heading, .TH, .RS or another
# .P; before a heading, .RE, .P or the end). The rendering does not change.
function is(line, m) { return line ~ ("^\\." m "([ \t]|$)") }
{ in_[++n] = $0 }
END {
	# .P .RE -> .RE .P
	for (i = 1; i < n; i++)
		if (is(in_[i], "P") && is(in_[i + 1], "RE")) {
			in_[i] = ".RE"; in_[i + 1] = ".P"
			if (i > 1) i -= 2
		}
	m = 0
	for (i = 1; i <= n; i++) {
		l = in_[i]
		if (is(l, "P")) {
			prev = m ? out[m] : ".TH"
			next_ = i < n ? in_[i + 1] : ".SH"
			if (is(prev, "SH") || is(prev, "SS") || is(prev, "TH") ||
			    is(prev, "RS") || is(prev, "P") ||
			    is(next_, "SH") || is(next_, "SS") || is(next_, "P") ||
			    is(next_, "RE"))
				continue
		}
		out[++m] = l
	}
	for (i = 1; i <= m; i++) print out[i]
}
