/**
 * The champion/challenger gate: a {@link io.leadscore.models.gate.GatePolicy} of {@link
 * io.leadscore.models.gate.Criterion criteria} and a margin over the champion, decided by
 * {@link io.leadscore.models.gate.ChampionChallengerGate} (the champion re-scored on the
 * challenger's test rows) and applied all-or-nothing by {@link
 * io.leadscore.models.gate.ModelPublisher}.
 *
 * <p>The train job's order: {@code checkReachable()} before training; after training, log
 * everything to the run (metrics, plots, card, model); then {@code currentChampion}, {@code
 * decide}, {@code publish}; then {@code run.finish()}.
 */
package io.leadscore.models.gate;
