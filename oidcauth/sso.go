package oidcauth

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"

	"gateway/gateway"
)

// Client is the gateway as an OpenID Connect relying party, for the
// portal's "Sign in with SSO": the authorization code flow with PKCE and a
// nonce.
type Client struct {
	ID, Secret string
	Scopes     []string // openid is always asked for
}

// Flow is one sign-in in progress: what the browser keeps (in a cookie)
// between leaving for the provider and coming back.
type Flow struct {
	State, Verifier, Nonce string
}

func random() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func (c *Checker) oauth(client Client, redirectURL string) *oauth2.Config {
	scopes := append([]string{oidc.ScopeOpenID}, client.Scopes...)
	return &oauth2.Config{ClientID: client.ID, ClientSecret: client.Secret, RedirectURL: redirectURL,
		Endpoint: c.provider.Endpoint(), Scopes: scopes}
}

// Start begins a sign-in: the provider's authorization URL to send the
// browser to, and the flow to keep until it comes back to redirectURL.
func (c *Checker) Start(ctx context.Context, client Client, redirectURL string) (string, Flow, error) {
	if _, err := c.verifierFor(ctx); err != nil {
		return "", Flow{}, err
	}
	f := Flow{State: random(), Verifier: oauth2.GenerateVerifier(), Nonce: random()}
	u := c.oauth(client, redirectURL).AuthCodeURL(f.State, oauth2.S256ChallengeOption(f.Verifier), oidc.Nonce(f.Nonce))
	return u, f, nil
}

// Finish ends a sign-in: the code the provider sent back is exchanged (with
// the PKCE verifier) for an ID token, which must carry the flow's nonce and
// pass every check of a bearer token. It returns that token as the
// credentials to log in with.
func (c *Checker) Finish(ctx context.Context, client Client, redirectURL, code string, f Flow) (gateway.Credentials, error) {
	v, err := c.verifierFor(ctx)
	if err != nil {
		return gateway.Credentials{}, err
	}
	tok, err := c.oauth(client, redirectURL).Exchange(oidc.ClientContext(ctx, c.client), code, oauth2.VerifierOption(f.Verifier))
	if err != nil {
		c.log.Warn("oidc: the code exchange failed", "err", err)
		return gateway.Credentials{}, gateway.NewFault(gateway.FaultUnauthenticated, "the identity provider did not accept the sign-in")
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return gateway.Credentials{}, gateway.NewFault(gateway.FaultUnauthenticated, "the identity provider sent no ID token")
	}
	idt, err := v.Verify(oidc.ClientContext(ctx, c.client), raw)
	if err != nil {
		return gateway.Credentials{}, gateway.NewFault(gateway.FaultUnauthenticated, "the ID token is not valid: %s", reason(err))
	}
	if idt.Nonce != f.Nonce {
		return gateway.Credentials{}, gateway.NewFault(gateway.FaultUnauthenticated, "the ID token is not the one this sign-in asked for (its nonce differs)")
	}
	return gateway.Credentials{Bearer: raw, Expires: idt.Expiry}, nil
}

// String names the provider for messages.
func (c *Checker) String() string { return fmt.Sprintf("OpenID provider %s", c.cfg.Issuer) }
