// Local launcher: a data dir first started without auth still has the default password.
ALTER CURRENT USER SET PASSWORD FROM $old TO $new
