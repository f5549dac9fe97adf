#!/usr/bin/env bash
# Train the Rasa model when its inputs changed. The fingerprint is a SHA-256 over config.yml, the
# domain, the training data and this script, so a repeat run with nothing changed costs a second, not a training.
set -euo pipefail
cd "$(dirname "$0")/.."
model=models/advisor.tar.gz
stamp=models/advisor.fingerprint
inputs=()
for path in config.yml domain.yml data rasa_components scripts/train_model.sh; do [ -e "$path" ] && inputs+=("$path"); done
if [ "${#inputs[@]}" -eq 0 ]; then
  echo "No Rasa configuration or training data (config.yml, domain.yml, data/) to train on." >&2
  exit 1
fi
fingerprint=$(find "${inputs[@]}" -type f -not -path "*/__pycache__/*" -print0 | LC_ALL=C sort -z | xargs -0 sha256sum \
  | sha256sum | cut -d' ' -f1)
if [ -f "$model" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$fingerprint" ]; then
  echo "Rasa model is current ($model)."
  exit 0
fi
echo "Training the Rasa model (inputs changed)..."
start=$(date +%s)
# English and Chinese (data/zh/) train one model; the intent classifier keeps one linear model per
# language (README, "Languages in the model").
mapfile -t training < <(find data -type f -name "*.yml" | LC_ALL=C sort)
.venv-rasa/bin/rasa train --fixed-model-name advisor --out models --force --data "${training[@]}"
echo "$fingerprint" > "$stamp"
echo "Trained $model in $(( $(date +%s) - start )) s."
