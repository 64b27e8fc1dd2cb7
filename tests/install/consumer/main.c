/* Consumer of an installed kyc through the C ABI (C99): version check and error statuses. */
#include <stdio.h>

#include <kyc/kyc.h>

int main(void) {
  kyc_engine* engine = NULL;
  kyc_status* status;

  if (kyc_api_version() != KYC_C_API_VERSION) {
    fprintf(stderr, "kyc_consumer_c: FAILED: C API version %u, header %u\n",
            (unsigned)kyc_api_version(), (unsigned)KYC_C_API_VERSION);
    return 1;
  }
  printf("kyc %s, C API %u\n", kyc_version_string(), (unsigned)kyc_api_version());

  status = kyc_engine_create("{not json", &engine);
  if (kyc_status_code(status) != KYC_INVALID_CONFIG || engine != NULL) {
    fprintf(stderr, "kyc_consumer_c: FAILED: expected KYC_INVALID_CONFIG, got %d (%s)\n",
            (int)kyc_status_code(status), kyc_status_message(status));
    kyc_status_destroy(status);
    return 1;
  }
  printf("invalid config rejected: %s\n", kyc_status_message(status));
  kyc_status_destroy(status);
  kyc_engine_destroy(NULL);
  printf("kyc_consumer_c: OK\n");
  return 0;
}
