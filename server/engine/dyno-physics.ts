// The drum of a Dynojet 250-style inertia dyno, as the model uses it.

/** Drum radius: the 250's 4.673 ft circumference (older system's DynoConfig), in metres. */
export const DRUM_RADIUS_M = (4.673 * 0.3048) / (2 * Math.PI);

/**
 * Effective drum inertia, kg·m². Chosen, not a Dynojet datasheet figure: 22 kg·m² is ~430 kg of equivalent mass at
 * the drum surface (a thick steel shell of the 250's size), and it puts a Harley WOT pull from 2000 rpm to redline at
 * ~7–8 s of simulated time with the profiles' gear ratios (drum inertia seen by the crank = 22 / ratio², 3.0–4.2
 * kg·m² for a Harley in a high gear), which is what shops see on a real 250; the 600 takes ~10 s from 4000 rpm. The older simulator mixed lb·ft² with an
 * extra g factor (≈126 "lb·ft²" plus a ×5.5 fudge), which made each pull last about four minutes.
 *
 * Inertia dynos measure power as drum inertia × drum acceleration × drum speed. The bike's own rotating parts
 * absorb some of the engine's torque invisibly; the model's torque curve is the figure the dyno reads (the engine
 * makes a little more), so a perfectly tuned engine reads the profile's figures.
 */
export const DRUM_INERTIA_KG_M2 = 22;

export const RAD_PER_S_PER_RPM = (2 * Math.PI) / 60;
export const NM_PER_FTLB = 1.3558179483;
export const KW_PER_HP = 0.745699872;
/** Stoichiometric AFR of gasoline: lambda = AFR / 14.7. */
export const STOICH_AFR = 14.7;
