extension HostConfiguration {
    /// Either socket listens on TCP, where other machines can reach it.
    var usesTcp: Bool { pluginEndpoint.hasPrefix("tcp://") || publishEndpoint.hasPrefix("tcp://") }

    /// A `tcp://` endpoint needs CURVE keys (a server secret key and at least one allowlist), unless
    /// `insecureTcp` says plainly that anyone who reaches the port may connect.
    func validateSecurity(_ refuse: (String, String) -> HostError) throws {
        guard usesTcp, !insecureTcp else { return }
        let endpoint = pluginEndpoint.hasPrefix("tcp://") ? pluginEndpoint : publishEndpoint
        guard curveSecretKeyFile != nil else {
            throw refuse(
                "curveSecretKeyFile",
                "\(endpoint) is TCP, which needs CURVE: create the host key with `roadsense keygen --name host` and "
                    + "set curveSecretKeyFile to host.key (and curveAllowedKeysDir to a directory of the workers' "
                    + ".pub files); set \"insecureTcp\": true only on a private test network")
        }
        guard curveAllowedKeysDir != nil || curveAllowedKeysFile != nil else {
            throw refuse(
                "curveAllowedKeysDir",
                "\(endpoint) is TCP with CURVE but no worker key is allowed: set curveAllowedKeysDir (a directory "
                    + "of .pub files) or curveAllowedKeysFile (one public key per line)")
        }
    }
}
