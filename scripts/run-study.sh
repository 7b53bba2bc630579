#!/usr/bin/env bash
# The study of docs/study.md: every method on Cora, Citeseer, Coauthor CS and Amazon Photo, 3 seeds, both
# probe protocols, then width (256, 512) and depth (1, 2) for DGI, GMI and GMI-adaptive on Cora and
# Citeseer. Three `gmi study` invocations write into one folder; cells already finished are skipped
# (the second invocation reuses the first's 512-wide, default-depth cells), so an interrupted run is
# resumed by running this script again. The aggregates (OUT/study.csv, OUT/study.md, OUT/plots/*.png)
# cover every finished cell and list the three command lines above the table.
#
#   scripts/run-study.sh                 # the whole study (about 2 hours on 2 quiet cores)
#   STAGES=main scripts/run-study.sh     # only Cora and Citeseer (main), or large, or width/depth (shape)
#
# Settings:
# - Cora and Citeseer: the official schedule (up to 550 epochs, patience 20), exact reconstruction,
#   50 probe classifiers per cell.
# - Coauthor CS (18,333 nodes) and Amazon Photo (7,650 nodes): sampled reconstruction (every pair of
#   A + I plus 5 non-edges per node and epoch; the exact one costs 5.5 s per Coauthor CS epoch on 2
#   cores against 0.9 s), at most LARGE_EPOCHS (100) epochs, 10 probe classifiers per cell, and the
#   LARGE_METHODS (DGI, GMI and its two ablations; GMI-adaptive and --jsd-on logits are measured on
#   Cora and Citeseer), so that their 24 cells fit in 40 minutes. These rows are therefore not the
#   official GMI loss; the table says so in its reconstruction and max_epochs columns.
# - Width (256, 512) and depth (1, 2): SHAPE_METHODS (dgi,gmi) on SHAPE_DATASETS (cora), 3 seeds.
# - --jvm-per-cell: each cell in its own JVM, so that peak RSS is per cell (not the study process's).
#
# Environment: OUT (study folder, default runs/study), SHARED (../shared/data), GMI_XMX (heap per JVM),
# STAGES, LARGE_EPOCHS, LARGE_METHODS, SHAPE_DATASETS, SHAPE_METHODS (above).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
OUT=${OUT:-$ROOT/runs/study}
SHARED=${SHARED:-$ROOT/../shared/data}
STAGES=${STAGES:-main,large,shape}
LARGE_EPOCHS=${LARGE_EPOCHS:-100}
LARGE_METHODS=${LARGE_METHODS:-dgi,gmi,gmi-no-recon,gmi-no-neighbour}
SHAPE_DATASETS=${SHAPE_DATASETS:-cora}
SHAPE_METHODS=${SHAPE_METHODS:-dgi,gmi}
METHODS=dgi,gmi,gmi-no-recon,gmi-no-neighbour,gmi-adaptive,gmi-logits
CS=$SHARED/npz/coauthor_cs/coauthor_cs.npz
PHOTO=$SHARED/npz/amazon_photo/amazon_photo.npz

if [[ $STAGES == *main* ]]; then
  "$ROOT/gmi" study --datasets cora,citeseer --methods "$METHODS" --seeds 3 --protocol val,paper \
    --jvm-per-cell --out "$OUT"
fi
if [[ $STAGES == *large* ]]; then
  "$ROOT/gmi" study --datasets "$CS,$PHOTO" --methods "$LARGE_METHODS" --seeds 3 --protocol val,paper \
    --reconstruction sampled --epochs "$LARGE_EPOCHS" --eval-runs 10 --jvm-per-cell --out "$OUT"
fi
if [[ $STAGES == *shape* ]]; then
  "$ROOT/gmi" study --datasets "$SHAPE_DATASETS" --methods "$SHAPE_METHODS" --seeds 3 --protocol val,paper \
    --hidden 256,512 --layers 1,2 --jvm-per-cell --out "$OUT"
fi
echo "study tables: $OUT/study.md, $OUT/study.csv; charts: $OUT/plots/" >&2
