// Package models embeds the model that genrec ships, so the binary works
// on its own; `genrec predict --model FILE` uses another.
//
// The shipped model is produced by the project's own training command (see
// the README, "Retrain the shipped model") and committed as genrec.json.
package models

import _ "embed"

// Default is the shipped model file, byte for byte.
//
//go:embed genrec.json
var Default []byte

// DefaultName is the shipped model's file name, for messages.
const DefaultName = "models/genrec.json"
