/* Fuel: an instruction budget. Stores with fuel run a third instantiation of the interpreter
 * loop that counts (exec_checked_fuel); the others do not count at all. */
#include "wasm/internal.h"

void wasm_store_set_fuel (wasm_store *store, uint64_t fuel)
{
  store->fuel_on = true;
  store->fuel = fuel > INT64_MAX ? INT64_MAX : (int64_t) fuel;
}

uint64_t wasm_store_fuel (const wasm_store *store)
{
  return store->fuel > 0 ? (uint64_t) store->fuel : 0;
}
