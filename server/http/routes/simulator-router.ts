import { closedObject } from '@jetdrive-hub/client/contract';
import Router from '@koa/router';
import { z } from 'zod';
import type { EngineProfileId, SimStartOptions } from '../../engine/types.js';
import { virtualEcuEnabled } from '../../engine/virtual-ecu-enabled.js';
import { HttpError } from '../http-error.js';
import { route } from '../route.js';
import type { SimulatorControl } from '../simulator-control.js';

// /api/jetdrive/simulator/*, shaped like the older system's routes. start/stop/pull are control actions and go
// through the single authorization check.

const PROFILE_IDS = ['m8_114', 'm8_131', 'twin_cam_103', 'sportbike_600'] as const satisfies readonly EngineProfileId[];

const startBodySchema = closedObject({
  profile: z.enum(PROFILE_IDS).optional(),
  /** The older virtual-tune routes call it engine_profile. */
  engine_profile: z.enum(PROFILE_IDS).optional(),
  auto_pull: z.boolean().optional(),
  auto_pull_interval_s: z.number().min(2).max(3600).optional(),
  virtual_ecu: closedObject({
    enabled: z.boolean().optional(),
    scenario: z.enum(['perfect', 'lean', 'rich', 'custom']).optional(),
    ve_error_pct: z.number().min(-50).max(50).optional(),
    ve_error_std: z.number().min(0).max(50).optional(),
    cylinder_balance: z.enum(['same', 'front_rich', 'rear_rich']).optional(),
    barometric_pressure_inhg: z.number().min(15).max(35).optional(),
    ambient_temp_f: z.number().min(-40).max(140).optional(),
  }).optional(),
});

function toStartOptions(body: z.infer<typeof startBodySchema>): SimStartOptions {
  const options: SimStartOptions = {};
  const profile = body.profile ?? body.engine_profile;
  if (profile !== undefined) options.profile = profile;
  if (body.auto_pull !== undefined) options.autoPull = body.auto_pull;
  if (body.auto_pull_interval_s !== undefined) options.autoPullIntervalS = body.auto_pull_interval_s;
  const ecu = body.virtual_ecu;
  if (ecu) {
    options.virtualEcu = {
      enabled: ecu.enabled,
      scenario: ecu.scenario,
      veErrorPct: ecu.ve_error_pct,
      veErrorStd: ecu.ve_error_std,
      cylinderBalance: ecu.cylinder_balance,
      barometricPressureInHg: ecu.barometric_pressure_inhg,
      ambientTempF: ecu.ambient_temp_f,
    };
  }
  return options;
}

export function createSimulatorRouter(simulator: SimulatorControl | null): Router {
  const router = new Router({ prefix: '/api/jetdrive/simulator' });

  function require(): SimulatorControl {
    if (!simulator)
      throw new HttpError('SIM_UNAVAILABLE', 'the simulated dyno is disabled in this hub (started with --no-sim)');
    return simulator;
  }

  router.get(
    '/status',
    route({}, (ctx) => {
      if (!simulator) {
        ctx.body = { success: true, available: false, active: false, state: 'stopped' };
        return;
      }
      ctx.body = { success: true, available: true, ...simulator.status() };
    }),
  );

  router.get(
    '/profiles',
    route({}, (ctx) => {
      ctx.body = { success: true, profiles: simulator ? simulator.profiles() : [] };
    }),
  );

  // An empty POST (no body at all) starts with the defaults.
  const startBody = z.preprocess((value) => value ?? {}, startBodySchema);
  router.post(
    '/start',
    route({ body: startBody }, async (ctx, { body }) => {
      const sim = require();
      if (sim.status().active) {
        throw new HttpError(
          'SIM_ALREADY_RUNNING',
          'the simulated dyno is already running; stop it first to change its options',
        );
      }
      const options = toStartOptions(body);
      const status = await sim.start(options);
      ctx.body = {
        success: true,
        status: 'started',
        state: status.state,
        virtual_ecu_enabled: virtualEcuEnabled(options.virtualEcu),
        auto_pull: options.autoPull ?? null,
        profile: status.profile,
        providers: status.providers,
      };
    }),
  );

  router.post(
    '/stop',
    route({}, async (ctx) => {
      const sim = require();
      await sim.stop();
      ctx.body = { success: true, status: 'stopped' };
    }),
  );

  router.post(
    '/pull',
    route({}, (ctx) => {
      const sim = require();
      const result = sim.pull();
      if (!result.ok) throw new HttpError(result.code, result.message);
      ctx.body = { success: true, status: 'pull_started', state: result.state };
    }),
  );

  return router;
}
