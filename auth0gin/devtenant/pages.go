package devtenant

import (
	"html/template"
	"net/http"
)

// pages are the server-rendered HTML pages: login, device activation, errors
// and form_post responses. They need no JavaScript except form_post's
// auto-submit.
var pages = template.Must(template.New("pages").Parse(`
{{define "head"}}<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.}} — devtenant</title>
<style>body{font-family:system-ui,sans-serif;max-width:26rem;margin:3rem auto;padding:0 1rem;color:#222}
label{display:block;margin:.8rem 0 .2rem}input{width:100%;padding:.5rem;box-sizing:border-box}
button{margin-top:1rem;padding:.6rem 1.2rem}.error{color:#b00020}.hint{color:#666;font-size:.9rem}</style>
</head><body>{{end}}

{{define "login"}}{{template "head" "Log in"}}
<h1>Log in</h1>
<p>to continue to <b>{{.Client}}</b>{{if .Org}} as a member of <b id="organization">{{.Org}}</b>{{end}}</p>
{{if .Error}}<p class="error" id="error" role="alert">{{.Error}}</p>{{end}}
<form method="post" action="{{.Action}}">
<input type="hidden" name="state" value="{{.State}}">
<label for="username">Email address</label>
<input id="username" name="username" type="text" autocomplete="username" value="{{.Username}}" required autofocus>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button id="login" type="submit" name="action" value="default">Continue</button>
</form>
{{if .Hints}}<p class="hint">Dev users: {{range $i, $e := .Hints}}{{if $i}}, {{end}}<code>{{$e}}</code>{{end}}</p>{{end}}
</body></html>{{end}}

{{define "mfa"}}{{template "head" "Verify your identity"}}
<h1>Verify your identity</h1>
<p>{{.Email}}: enter the one-time code to continue to <b>{{.Client}}</b>.</p>
{{if .Error}}<p class="error" id="error" role="alert">{{.Error}}</p>{{end}}
<form method="post" action="{{.Action}}">
<input type="hidden" name="state" value="{{.State}}">
<label for="code">One-time code</label>
<input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]*" maxlength="6" required autofocus>
<button id="verify" type="submit" name="action" value="default">Continue</button>
</form>
<p class="hint">Dev tenant: the code is in the tenant's log ("devtenant: MFA one-time code").</p>
</body></html>{{end}}

{{define "activate"}}{{template "head" "Device activation"}}
<h1>Device activation</h1>
{{if .Done}}<p id="result">{{.Done}}</p>{{else}}
{{if .Error}}<p class="error" id="error" role="alert">{{.Error}}</p>{{end}}
<form method="post" action="{{.Action}}">
<input type="hidden" name="state" value="{{.State}}">
<label for="user_code">Code shown on your device</label>
<input id="user_code" name="user_code" type="text" value="{{.UserCode}}" required autofocus>
{{if .LoggedIn}}<p>Logged in as <b>{{.LoggedIn}}</b>.</p>{{else}}
<label for="username">Email address</label>
<input id="username" name="username" type="text" autocomplete="username" value="{{.Username}}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password">{{end}}
<button id="continue" type="submit" name="action" value="continue">Continue</button>
</form>
{{if .Hints}}<p class="hint">Dev users: {{range $i, $e := .Hints}}{{if $i}}, {{end}}<code>{{$e}}</code>{{end}}</p>{{end}}
{{end}}
</body></html>{{end}}

{{define "activate_confirm"}}{{template "head" "Device confirmation"}}
<h1>Device confirmation</h1>
<p><b id="client">{{.Client}}</b> is requesting access to your account <b id="user">{{.User}}</b>.</p>
<p>Check that your device shows the code <code id="user_code">{{.UserCode}}</code>.</p>
{{if .Audience}}<p>API: <code id="audience">{{.Audience}}</code></p>{{end}}
<p>Permissions requested:</p>
<ul id="scopes">{{range .Scopes}}<li>{{.}}</li>{{else}}<li>none</li>{{end}}</ul>
<form method="post" action="{{.Action}}">
<input type="hidden" name="state" value="{{.State}}">
<button id="confirm" type="submit" name="action" value="confirm">Confirm</button>
<button id="deny" type="submit" name="action" value="deny">Cancel</button>
</form>
</body></html>{{end}}

{{define "error"}}{{template "head" "Error"}}
<h1>Oops!, something went wrong</h1>
<p class="error" id="error"><b>{{.Code}}</b>: {{.Description}}</p>
</body></html>{{end}}

{{define "form_post"}}<!doctype html>
<html><head><meta charset="utf-8"><title>Submit This Form</title></head>
<body onload="javascript:document.forms[0].submit()">
<form method="post" action="{{.Action}}">
{{range $k, $v := .Fields}}<input type="hidden" name="{{$k}}" value="{{$v}}">
{{end}}<noscript><button type="submit">Continue</button></noscript>
</form></body></html>{{end}}
`))

// render writes the page name with status.
func (t *Tenant) render(w http.ResponseWriter, status int, name string, data any) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Frame-Options", "deny")
	h.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; form-action *; frame-ancestors 'none'")
	w.WriteHeader(status)
	if err := pages.ExecuteTemplate(w, name, data); err != nil {
		t.log.Error("devtenant: rendering page failed", "page", name, "err", err)
	}
}

// errorPage is Auth0's error page: used where redirecting would be unsafe.
func (t *Tenant) errorPage(w http.ResponseWriter, status int, code, desc string) {
	t.render(w, status, "error", struct{ Code, Description string }{code, desc})
}

// userHints lists the configured users' emails for the login page.
func (t *Tenant) userHints() []string {
	var out []string
	for _, u := range t.cfg.Users {
		out = append(out, u.Email)
	}
	return out
}
